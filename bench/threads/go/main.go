// The articles' worker pool in Go, on the threads benchmarks' CPU-bound job:
// `workers` goroutines range over a jobs channel and send each job's hash on a
// results channel. Prints "<checksum> <seconds>"; GOMAXPROCS comes from the
// environment, as Go reads it.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func hash(seed uint32, rounds int) uint32 {
	h := seed
	for i := 0; i < rounds; i++ {
		h ^= h >> 16
		h *= 0x7feb352d
		h ^= h >> 15
		h *= 0x846ca68b
		h ^= h >> 16
		h += uint32(i)
	}
	return h
}

func main() {
	jobsCount, _ := strconv.Atoi(os.Args[1])
	rounds, _ := strconv.Atoi(os.Args[2])
	workers, _ := strconv.Atoi(os.Args[3])
	start := time.Now()
	jobs := make(chan uint32, 100)
	results := make(chan uint32, 100)
	for w := 0; w < workers; w++ {
		go func() {
			for job := range jobs {
				results <- hash(job, rounds)
			}
		}()
	}
	go func() {
		for j := 0; j < jobsCount; j++ {
			jobs <- uint32(j)
		}
		close(jobs)
	}()
	var sum uint32
	for j := 0; j < jobsCount; j++ {
		sum += <-results
	}
	fmt.Println(sum, time.Since(start).Seconds())
}
