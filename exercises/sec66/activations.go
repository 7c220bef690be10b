package sec66

import (
	"github.com/d2l-go/d2l-go/d2l"
	"github.com/gomlx/gomlx/core/tensors"
)

// LayerOutputs runs X through net one layer at a time (each layer's Forward)
// and returns every layer's output, in order; the last one equals
// net.Forward(X). For d2l.LeNet and X [1, 1, 28, 28] the shapes are those the
// book prints: [1 6 28 28], [1 6 28 28], [1 6 14 14], …, [1 10].
func LayerOutputs(net *d2l.Sequential, X *tensors.Tensor) []*tensors.Tensor {
	panic("TODO: 练习 6.6-4")
}
