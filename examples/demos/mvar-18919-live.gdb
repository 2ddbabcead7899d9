# GHC #18919 caught live.  The program runs with --inject=mvar-no-dirty -DS:
# the runtime's sanity check stops it at rts_trap_barf (before abort(),
# the heap intact) and rtsdb explains what the check found.
# Run by mvar-18919.sh as: rtsdb --batch -x mvar-18919-live.gdb --args PROGRAM ...
break rts_trap_barf
commands
echo \n>>> rtsdb stopped the program in the runtime's check, before abort(). Where:\n
bt 8
echo \n>>> What the check says, in the runtime's words:\n
print rts_barf_message
shell sh "$DEMOS/find-object.sh" transcript mvar MVAR > mvar.gdb
source mvar.gdb
echo \n>>> The MVar it names: CLEAN in an old generation, its queue reaches a younger node, and it is on no mut list: the write barrier putMVar should have run (dirty_MVAR) is missing.\n
rts mvar $mvar
echo \n>>> The block descriptors: the MVar's block, and the block of the node its head points at:\n
rts bd $mvar
rts bd ((StgMVar *)$mvar)->head
echo \n>>> The thread queued in that node:\n
rts tso ((StgMVar *)$mvar)->head->tso
echo \n>>> How it got there: the flight recorder's history of this MVar (put, take, gc; head/tail with generations; [c]lean/[d]irty before and after):\n
rts trace mvar $mvar
echo \n>>> Saving a core file of this moment for the post-mortem demo:\n
gcore 18919.core
kill
end
run
