"""The Bot Framework edge: HTTP routes, the CloudAdapter and the Teams activity handler."""
