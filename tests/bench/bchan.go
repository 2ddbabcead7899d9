// bchan.go — Go twin of examples/bchan-bench: a buffered channel of DEPTH
// between PRODUCERS and CONSUMERS goroutines.
// Usage: bchan MESSAGES PRODUCERS CONSUMERS DEPTH.  Prints "bchan: <N> ns/message".
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func arg(i int) int {
	v, err := strconv.Atoi(os.Args[i])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: bchan MESSAGES PRODUCERS CONSUMERS DEPTH")
		os.Exit(1)
	}
	return v
}

func main() {
	m, p, c, d := arg(1), arg(2), arg(3), arg(4)
	ch := make(chan int, d)
	done := make(chan int)
	t0 := time.Now()
	for i := 0; i < p; i++ {
		go func(i int) {
			for v := i; v < m; v += p {
				ch <- v
			}
		}(i)
	}
	for i := 0; i < c; i++ {
		go func(i int) {
			s := 0
			for v := i; v < m; v += c {
				s += <-ch
			}
			done <- s
		}(i)
	}
	total := 0
	for i := 0; i < c; i++ {
		total += <-done
	}
	if total != m*(m-1)/2 {
		panic("bchan: lost or duplicated a message")
	}
	fmt.Printf("bchan: %.1f ns/message\n", float64(time.Since(t0).Nanoseconds())/float64(m))
}
