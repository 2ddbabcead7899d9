# debugger/symtab.mk: sources appended to debugger_librtsdb_la_SOURCES; tests to check_PROGRAMS/TESTS.
