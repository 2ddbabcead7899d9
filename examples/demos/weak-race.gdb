# The weak-pointer race (GHC's WEAK evacuation race, found while chasing
# #18919): two GC threads both copy one WEAK; the runtime's -DS check
# (the pre-fix one) finds the stale copy.  Run by weak-race.sh as:
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
echo \n>>> The weak pointer lists as the runtime sees them now:\n
rts weak
echo \n>>> The recorder's copies of objects in the last GCs, by GC thread (gc0, gc1: which thread made which copy):\n
rts events --cat evac,gc -n 30
kill
end
run
