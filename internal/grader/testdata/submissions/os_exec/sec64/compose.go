package sec64

import "os/exec"

// ComposeKernels runs a program: rejected.
func ComposeKernels(K1, K2 [][]float32) [][]float32 {
	_ = exec.Command("true").Run()
	return nil
}
