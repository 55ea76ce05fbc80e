"""What every app may use: the one application error. The lowest layer; imports no app."""
