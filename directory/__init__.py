"""The directory of services and providers of the information hub (issue 14)."""
