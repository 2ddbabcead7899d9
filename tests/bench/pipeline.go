// pipeline.go — Go twin of examples/pipeline: gunzip -> chunks of 1000 lines
// -> WORKERS goroutines parse (encoding/json) and filter -> output in input
// order; stages joined by channels of DEPTH.
// Usage: pipeline INPUT.json.gz SUFFIX WORKERS DEPTH > names
// Prints "pipeline: <L> lines, <N> lines/s" on stderr.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

type job struct {
	lines   [][]byte
	promise chan []byte
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: pipeline INPUT.json.gz SUFFIX WORKERS DEPTH")
		os.Exit(1)
	}
	suffix := []byte(os.Args[2])
	workers, _ := strconv.Atoi(os.Args[3])
	depth, _ := strconv.Atoi(os.Args[4])
	t0 := time.Now()
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipeline:", err)
		os.Exit(1)
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipeline:", err)
		os.Exit(1)
	}
	work := make(chan job, depth)
	outq := make(chan chan []byte, depth)
	nlines := 0
	go func() {
		sc := bufio.NewScanner(zr)
		var chunk [][]byte
		flush := func() {
			p := make(chan []byte, 1)
			work <- job{chunk, p}
			outq <- p
			chunk = nil
		}
		for sc.Scan() {
			chunk = append(chunk, append([]byte(nil), sc.Bytes()...))
			nlines++
			if len(chunk) == 1000 {
				flush()
			}
		}
		if len(chunk) > 0 {
			flush()
		}
		close(work)
		close(outq)
	}()
	for i := 0; i < workers; i++ {
		go func() {
			for j := range work {
				var out bytes.Buffer
				for _, l := range j.lines {
					var rec struct {
						Name string `json:"name"`
					}
					if json.Unmarshal(l, &rec) == nil && bytes.HasSuffix([]byte(rec.Name), suffix) {
						out.WriteString(rec.Name)
						out.WriteByte('\n')
					}
				}
				j.promise <- out.Bytes()
			}
		}()
	}
	w := bufio.NewWriter(os.Stdout)
	for p := range outq {
		w.Write(<-p)
	}
	w.Flush()
	secs := time.Since(t0).Seconds()
	fmt.Fprintf(os.Stderr, "pipeline: %d lines, %d lines/s\n", nlines, int(float64(nlines)/secs))
}
