"""One module per CLI command: HELP, DESCRIPTION, configure(parser) and run(args) -> exit code."""
