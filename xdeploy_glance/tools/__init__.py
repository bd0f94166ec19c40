"""Developer tools that ship with the package but are no part of a command."""
