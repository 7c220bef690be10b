package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetDeep returns a deeper LeNet with ReLU and max pooling: after the second
// pooling layer a third convolution Conv2d(16, 32, 3, padding 1) + ReLU, then
// Flatten (32·5·5 = 800) -> Linear(800, 120) -> ReLU -> Linear(120, 84) -> ReLU ->
// Linear(84, 10). The first two blocks are LeNet's (Conv2d(1, 6, 5, padding 2),
// Conv2d(6, 16, 5)), each followed by ReLU and MaxPool2d(2, stride 2).
// X [n, 1, 28, 28] -> [n, 10], 114,346 parameters.
func LeNetDeep() *d2l.Sequential {
	// BEGIN SOLUTION
	return d2l.NewSequential(
		d2l.NewConv2d(1, 6, d2l.KernelSize(5), d2l.Padding(2)), d2l.NewReLU(),
		d2l.NewMaxPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewConv2d(6, 16, d2l.KernelSize(5)), d2l.NewReLU(),
		d2l.NewMaxPool2d(d2l.KernelSize(2), d2l.Stride(2)),
		d2l.NewConv2d(16, 32, d2l.KernelSize(3), d2l.Padding(1)), d2l.NewReLU(),
		d2l.NewFlatten(),
		d2l.NewLinear(32*5*5, 120), d2l.NewReLU(),
		d2l.NewLinear(120, 84), d2l.NewReLU(),
		d2l.NewLinear(84, 10),
	)
	// END SOLUTION
}
