// forkjoin.go — Go twin of examples/forkjoin: start N goroutines, each sends
// one value on a shared channel; main receives N values.  Usage: forkjoin N
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: forkjoin N")
		os.Exit(1)
	}
	done := make(chan int)
	t0 := time.Now()
	for i := 1; i <= n; i++ {
		go func(v int) { done <- v }(i)
	}
	s := 0
	for i := 0; i < n; i++ {
		s += <-done
	}
	if s != n*(n+1)/2 {
		panic("forkjoin: lost a value")
	}
	fmt.Printf("forkjoin: %.1f ns/thread\n", float64(time.Since(t0).Nanoseconds())/float64(n))
}
