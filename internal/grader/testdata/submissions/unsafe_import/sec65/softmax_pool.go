package sec65

import "unsafe"

// SoftmaxPool2D imports unsafe: rejected.
func SoftmaxPool2D(X [][]float32, ph, pw int, beta float32) [][]float32 {
	_ = unsafe.Sizeof(beta)
	return nil
}
