# GHC #5558: a CAF defined with unsafePerformIO runs its effect twice when
# CAF entry is not atomic (+RTS --inject=caf-nonatomic).  Every run of the
# effect (print_me) stops here: rtsdb shows the CAF's state and the
# threads, then continues.  Run by dupe-5558.sh.
break print_me
commands
echo \n>>> A thread runs the CAF's effect.  The CAF list (who is evaluating it):\n
rts cafs
echo \n>>> Threads blocked now (on the CAF's blackhole, if it was claimed):\n
rts threads -b
echo \n>>> The recorder's CAF entries (won/lost) so far:\n
rts events --cat caf -n 10
continue
end
run
