package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetDeep returns a deeper LeNet with ReLU and max pooling: after the second
// pooling layer a third convolution Conv2d(16, 32, 3, padding 1) + ReLU, then
// Flatten (32·5·5 = 800) -> Linear(800, 120) -> ReLU -> Linear(120, 84) -> ReLU ->
// Linear(84, 10). The first two blocks are LeNet's (Conv2d(1, 6, 5, padding 2),
// Conv2d(6, 16, 5)), each followed by ReLU and MaxPool2d(2, stride 2).
// X [n, 1, 28, 28] -> [n, 10], 114,346 parameters.
func LeNetDeep() *d2l.Sequential {
	panic("TODO: 练习 6.6-2c")
}
