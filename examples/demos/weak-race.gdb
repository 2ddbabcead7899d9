# The weak-pointer race (GHC's WEAK evacuation race, found while chasing
# #18919): two GC threads both copy one WEAK; the runtime's -DS check
# (the pre-fix one) finds the stale copy.  The recorder's EVAC_RACE event
# (category evac) names both copies and the GC thread that made each.
# Run by weak-race.sh as:
# rtsdb --batch -x weak-race.gdb --args weakstress ... +RTS --inject=weak-race -RTS
break rts_trap_barf
commands
echo \n>>> rtsdb stopped the program in the runtime's check, before abort(). Where:\n
bt 8
echo \n>>> What the check says:\n
print rts_barf_message
shell sh "$DEMOS/find-object.sh" transcript weak WEAK > weak.gdb
source weak.gdb
echo \n>>> The WEAK it names, and its block:\n
rts closure $weak
rts bd $weak
echo \n>>> Where that WEAK came from, in the recorder: a lost copy race. Two GC threads copied the same WEAK at once; only one CAS installed its forwarding pointer. The check names the losing copy, which nothing points to:\n
rts events --cat evac --addr $weak
shell w=$(sed -n 's/.*copied twice: gc[0-9]* -> \(0x[0-9a-f]*\)@[0-9]* (won).*/set $winner = \1/p' transcript | head -n 1); echo "${w:-echo (the recorder has no race that made this WEAK)\\n}" > winner.gdb
source winner.gdb
echo \n>>> The winning copy, the one the collector kept and updates (a DEAD_WEAK once its key has died and its finalizers are scheduled); the losing copy above kept the stale header and fields:\n
rts closure $winner
echo \n>>> The last GCs and their lost copy races, by GC thread (gc0, gc1: which thread made which copy):\n
rts events --cat evac,gc -n 12
echo \n>>> Saving a core file of this moment:\n
gcore weak.core
kill
end
run
