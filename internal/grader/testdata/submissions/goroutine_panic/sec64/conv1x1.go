package sec64

import "time"

// Conv1x1MatMul panics in a goroutine that no test can recover.
func Conv1x1MatMul(X [][][]float32, W [][]float32) [][][]float32 {
	go func() { panic("boom from a goroutine") }()
	time.Sleep(time.Second)
	return nil
}
