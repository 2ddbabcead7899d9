# A command file for cli_script.sh: define, document, echo, convenience
# variables, and a nested source.
define sum3
  print $arg0 + $arg1 + $arg2
  echo argc=$argc\n
end
document sum3
Print the sum of three numbers.
end
set $base = 100
sum3 1 2 $base
help sum3
echo tab\there\n
output $base * 2
echo \n
