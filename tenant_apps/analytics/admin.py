"""Back office: the data centre's settings (the dashboards come next)."""
