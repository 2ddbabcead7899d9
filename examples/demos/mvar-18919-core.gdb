# The same diagnosis on the core file saved at the barf: no process, the
# same commands.  (Run by mvar-18919.sh with rtsdb --core.)
source mvar.gdb
echo \n>>> Post-mortem: the core file saved at the barf.  Where the program was:\n
bt 8
print rts_barf_message
echo \n>>> The MVar, its blocks, the queued thread and its history, read from the core:\n
rts mvar $mvar
rts bd $mvar
rts bd ((StgMVar *)$mvar)->head
rts tso ((StgMVar *)$mvar)->head->tso
rts trace mvar $mvar
