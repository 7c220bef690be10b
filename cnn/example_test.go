package cnn_test

import (
	"fmt"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Conv2D and MaxPool2D inside a GoMLX graph: a 1x1x4x4 image, a 2x2 kernel of ones with
// padding 1 and stride 2, then 2x2 max pooling.
func ExampleConv2D() {
	backend := gobackend.GetBackend()
	x := tensors.FromFlatDataAndDimensions([]float32{
		0, 1, 2, 3,
		4, 5, 6, 7,
		8, 9, 10, 11,
		12, 13, 14, 15}, 1, 1, 4, 4)
	outs := graph.MustExecOnceN(backend, func(x *graph.Node) []*graph.Node {
		w := graph.OnesLike(graph.Slice(x, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(0, 2), graph.AxisRange(0, 2)))
		conv := cnn.Conv2D(x, w, cnn.ConvConfig{Padding: [2]int{1, 1}, Stride: [2]int{2, 2}}) // [1, 1, 3, 3]
		pool := cnn.MaxPool2D(conv, cnn.PoolConfig{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}})
		return []*graph.Node{conv, pool}
	}, x)
	for _, y := range outs {
		fmt.Println(y.Shape().Dimensions, tensors.MustCopyFlatData[float32](y))
	}
	// Output:
	// [1 1 3 3] [0 3 3 12 30 18 12 27 15]
	// [1 1 2 2] [30 30 30 30]
}

// AvgPool2DForward in a graph that takes no gradient, such as an eager forward call: 2x2
// average pooling (stride 2) of a 1x1x4x4 image, the same values AvgPool2D gives.
func ExampleAvgPool2DForward() {
	x := tensors.FromFlatDataAndDimensions([]float32{
		0, 1, 2, 3,
		4, 5, 6, 7,
		8, 9, 10, 11,
		12, 13, 14, 15}, 1, 1, 4, 4)
	y := graph.MustExecOnce(gobackend.GetBackend(), func(x *graph.Node) *graph.Node {
		return cnn.AvgPool2DForward(x, cnn.PoolConfig{Kernel: [2]int{2, 2}})
	}, x)
	fmt.Println(y.Shape().Dimensions, tensors.MustCopyFlatData[float32](y))
	// Output:
	// [1 1 2 2] [2.5 4.5 10.5 12.5]
}
