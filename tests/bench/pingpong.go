// pingpong.go — Go twin of examples/pingpong.c: unbuffered-channel ping-pong
// between two goroutines.  Usage: GOMAXPROCS=1|2 pingpong ROUNDS
// Prints "pingpong: <N> ns/roundtrip".
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	rounds, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: pingpong ROUNDS")
		os.Exit(1)
	}
	ping, pong := make(chan int), make(chan int)
	go func() {
		for i := 0; i < rounds; i++ {
			pong <- <-ping
		}
	}()
	t0 := time.Now()
	for i := 0; i < rounds; i++ {
		ping <- i
		<-pong
	}
	fmt.Printf("pingpong: %.1f ns/roundtrip\n", float64(time.Since(t0).Nanoseconds())/float64(rounds))
}
