"""The composition root: settings, containers, the app factory, serving and the CLI."""
