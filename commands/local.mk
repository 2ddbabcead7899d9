# commands/: the runtime-aware plugin (issue 7).
