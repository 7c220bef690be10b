package d2l_test

import (
	"fmt"

	"github.com/d2l-go/d2l-go/cnn"
	"github.com/d2l-go/d2l-go/d2l"
	"github.com/gomlx/gomlx/core/graph"
)

// The examples print what the book's notebooks print for sections 6.2-6.5, in the book's format.

// 6.2.1: the cross-correlation of the book's figure.
func ExampleCorr2D() {
	X := d2l.Tensor([][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}})
	K := d2l.Tensor([][]float32{{0, 1}, {2, 3}})
	d2l.Print(d2l.Corr2D(X, K))
	// Output:
	// tensor([[19., 25.],
	//         [37., 43.]])
}

// 6.2.3: edge detection with the kernel [1, -1].
func ExampleCorr2D_edgeDetection() {
	X := d2l.Ones(6, 8)
	d2l.Fill(X, 0, d2l.All, [2]int{2, 6}) // X[:, 2:6] = 0
	d2l.Print(X)
	K := d2l.Tensor([][]float32{{1, -1}})
	Y := d2l.Corr2D(X, K)
	d2l.Print(Y)
	d2l.Print(d2l.Corr2D(d2l.T(X), K))
	// Output:
	// tensor([[1., 1., 0., 0., 0., 0., 1., 1.],
	//         [1., 1., 0., 0., 0., 0., 1., 1.],
	//         [1., 1., 0., 0., 0., 0., 1., 1.],
	//         [1., 1., 0., 0., 0., 0., 1., 1.],
	//         [1., 1., 0., 0., 0., 0., 1., 1.],
	//         [1., 1., 0., 0., 0., 0., 1., 1.]])
	// tensor([[ 0.,  1.,  0.,  0.,  0., -1.,  0.],
	//         [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
	//         [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
	//         [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
	//         [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
	//         [ 0.,  1.,  0.,  0.,  0., -1.,  0.]])
	// tensor([[0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.],
	//         [0., 0., 0., 0., 0.]])
}

// 6.2.2: the book's own convolution layer, with a fixed kernel and bias.
func ExampleScratchConv2D() {
	layer := d2l.NewScratchConv2D(2, 2)
	layer.Weight = d2l.Tensor([][]float32{{0, 1}, {2, 3}})
	layer.Bias = d2l.Tensor(1.5)
	X := d2l.Tensor([][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}})
	d2l.Print(layer.Forward(X))
	// Output:
	// tensor([[20.5000, 26.5000],
	//         [38.5000, 44.5000]])
}

// 6.3: output shapes with padding and stride (comp_conv2d).
func ExampleCompConv2D() {
	X := d2l.Rand(8, 8)
	conv := d2l.NewConv2d(1, 1, d2l.KernelSize(3), d2l.Padding(1))
	d2l.Print(d2l.Size(d2l.CompConv2D(conv, X)))
	conv = d2l.NewConv2d(1, 1, d2l.KernelSize(5, 3), d2l.Padding(2, 1))
	d2l.Print(d2l.Size(d2l.CompConv2D(conv, X)))
	conv = d2l.NewConv2d(1, 1, d2l.KernelSize(3), d2l.Padding(1), d2l.Stride(2))
	d2l.Print(d2l.Size(d2l.CompConv2D(conv, X)))
	conv = d2l.NewConv2d(1, 1, d2l.KernelSize(3, 5), d2l.Padding(0, 1), d2l.Stride(3, 4))
	d2l.Print(d2l.Size(d2l.CompConv2D(conv, X)))
	// Output:
	// torch.Size([8, 8])
	// torch.Size([8, 8])
	// torch.Size([4, 4])
	// torch.Size([2, 2])
}

// 6.3: padding and stride on the figure's input (kernel [[0, 1], [2, 3]], no bias).
func ExampleConv2d_Forward() {
	X := d2l.Arange(9, 1, 1, 3, 3)
	conv := d2l.NewConv2d(1, 1, d2l.KernelSize(2), d2l.Padding(1), d2l.Stride(3, 2), d2l.Bias(false))
	conv.Weight = d2l.Tensor([][][][]float32{{{{0, 1}, {2, 3}}}})
	d2l.Print(conv)
	d2l.Print(conv.Forward(X))
	// Output:
	// Conv2d(1, 1, kernel_size=(2, 2), stride=(3, 2), padding=(1, 1), bias=False)
	// tensor([[[[0., 8.],
	//           [6., 8.]]]])
}

// 6.4.1: several input channels.
func ExampleCorr2DMultiIn() {
	X := d2l.Tensor([][][]float32{{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}})
	K := d2l.Tensor([][][]float32{{{0, 1}, {2, 3}}, {{1, 2}, {3, 4}}})
	d2l.Print(d2l.Corr2DMultiIn(X, K))
	// Output:
	// tensor([[ 56.,  72.],
	//         [104., 120.]])
}

// 6.4.2: several output channels.
func ExampleCorr2DMultiInOut() {
	X := d2l.Tensor([][][]float32{{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}, {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}})
	K := d2l.Tensor([][][]float32{{{0, 1}, {2, 3}}, {{1, 2}, {3, 4}}})
	K = d2l.Stack(0, K, d2l.AddScalar(K, 1), d2l.AddScalar(K, 2))
	d2l.Print(d2l.Size(K))
	d2l.Print(d2l.Corr2DMultiInOut(X, K))
	// Output:
	// torch.Size([3, 2, 2, 2])
	// tensor([[[ 56.,  72.],
	//          [104., 120.]],
	//
	//         [[ 76., 100.],
	//          [148., 172.]],
	//
	//         [[ 96., 128.],
	//          [192., 224.]]])
}

// 6.4.3: the 1x1 convolution as one matrix product equals the general one.
func ExampleCorr2DMultiInOut1x1() {
	d2l.Seed(1)
	X := d2l.Randn(3, 3, 3)
	K := d2l.Randn(2, 3, 1, 1)
	Y1 := d2l.Corr2DMultiInOut1x1(X, K)
	Y2 := d2l.Corr2DMultiInOut(X, K)
	d2l.Print(d2l.Size(Y1), d2l.Sum(d2l.Abs(d2l.Sub(Y1, Y2))) < 1e-6)
	// Output:
	// torch.Size([2, 3, 3]) True
}

// 6.5.1: the book's pool2d, maximum and average.
func ExamplePool2D() {
	X := d2l.Tensor([][]float32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}})
	d2l.Print(d2l.Pool2D(X, [2]int{2, 2}, "max"))
	d2l.Print(d2l.Pool2D(X, [2]int{2, 2}, "avg"))
	// Output:
	// tensor([[4., 5.],
	//         [7., 8.]])
	// tensor([[2., 3.],
	//         [5., 6.]])
}

// 6.5.2: nn.MaxPool2d with padding and stride.
func ExampleMaxPool2d() {
	X := d2l.Arange(16, 1, 1, 4, 4)
	d2l.Print(X)
	pool := d2l.NewMaxPool2d(d2l.KernelSize(3))
	d2l.Print(pool.Forward(X))
	pool = d2l.NewMaxPool2d(d2l.KernelSize(3), d2l.Padding(1), d2l.Stride(2))
	d2l.Print(pool.Forward(X))
	pool = d2l.NewMaxPool2d(d2l.KernelSize(2, 3), d2l.Stride(2, 3), d2l.Padding(0, 1))
	d2l.Print(pool.Forward(X))
	// Output:
	// tensor([[[[ 0.,  1.,  2.,  3.],
	//           [ 4.,  5.,  6.,  7.],
	//           [ 8.,  9., 10., 11.],
	//           [12., 13., 14., 15.]]]])
	// tensor([[[[10.]]]])
	// tensor([[[[ 5.,  7.],
	//           [13., 15.]]]])
	// tensor([[[[ 5.,  7.],
	//           [13., 15.]]]])
}

// 6.5.3: several channels are pooled separately.
func ExampleMaxPool2d_channels() {
	X := d2l.Arange(16, 1, 1, 4, 4)
	X = d2l.Cat(1, X, d2l.AddScalar(X, 1))
	d2l.Print(X)
	pool := d2l.NewMaxPool2d(d2l.KernelSize(3), d2l.Padding(1), d2l.Stride(2))
	d2l.Print(pool.Forward(X))
	// Output:
	// tensor([[[[ 0.,  1.,  2.,  3.],
	//           [ 4.,  5.,  6.,  7.],
	//           [ 8.,  9., 10., 11.],
	//           [12., 13., 14., 15.]],
	//
	//          [[ 1.,  2.,  3.,  4.],
	//           [ 5.,  6.,  7.,  8.],
	//           [ 9., 10., 11., 12.],
	//           [13., 14., 15., 16.]]]])
	// tensor([[[[ 5.,  7.],
	//           [13., 15.]],
	//
	//          [[ 6.,  8.],
	//           [14., 16.]]]])
}

// Average pooling counts padded zeros (count_include_pad=True).
func ExampleAvgPool2d() {
	X := d2l.Arange(16, 1, 1, 4, 4)
	pool := d2l.NewAvgPool2d(d2l.KernelSize(3), d2l.Padding(1), d2l.Stride(2))
	d2l.Print(pool.Forward(X))
	// Output:
	// tensor([[[[ 1.1111,  2.6667],
	//           [ 5.6667, 10.0000]]]])
}

// Bad input panics with a one-line *d2l.Error; Try returns it as an error.
func ExampleTry() {
	X := d2l.Ones(3, 3)
	err := d2l.Try(func() { d2l.Corr2D(X, d2l.Ones(3, 3, 3)) })
	fmt.Println(err)
	err = d2l.Try(func() { d2l.NewMaxPool2d(d2l.KernelSize(2), d2l.Padding(2)) })
	fmt.Println(err)
	// Output:
	// d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]
	// d2l.NewMaxPool2d: argument Padding: got [2 2], want at most half the window [2 2], i.e. <= (1, 1)
}

// Shapes print as torch.Size.
func ExampleSize() {
	d2l.Print(d2l.Size(d2l.Zeros(1, 1, 8, 8)))
	// Output:
	// torch.Size([1, 1, 8, 8])
}

// Eval runs any GoMLX graph function eagerly, here the gradient of a 6.2.4-style loss with
// respect to a 1x2 kernel.
func ExampleEval() {
	X := d2l.Ones(1, 1, 6, 8)
	d2l.Fill(X, 0, d2l.All, d2l.All, d2l.All, [2]int{2, 6})
	Y := d2l.Reshape(d2l.Corr2D(d2l.Reshape(X, 6, 8), d2l.Tensor([][]float32{{1, -1}})), 1, 1, 6, 7)
	W := d2l.Zeros(1, 1, 1, 2)
	grad := func(x, y, w *graph.Node) *graph.Node {
		diff := graph.Sub(cnn.Conv2D(x, w, cnn.ConvConfig{}), y)
		return graph.Gradient(graph.ReduceAllSum(graph.Mul(diff, diff)), w)[0]
	}
	d2l.Print(d2l.Eval(grad, X, Y, W))
	// Output:
	// tensor([[[[-12.,  12.]]]])
}

// Eval reads the variables a graph function captures on every call.
func ExampleEval_capturedVariable() {
	X := d2l.Tensor([]float32{1, 2, 3})
	k := 2.0
	scale := func(x *graph.Node) *graph.Node { return graph.MulScalar(x, k) }
	d2l.Print(d2l.Eval(scale, X))
	k = 3
	d2l.Print(d2l.Eval(scale, X))
	// Output:
	// tensor([2., 4., 6.])
	// tensor([3., 6., 9.])
}

func ExampleCompile() {
	sq := d2l.Compile(func(x *graph.Node) *graph.Node { return graph.Mul(x, x) })
	defer sq.Close()
	for i := range 3 {
		d2l.Print(sq.Call(d2l.Full(float64(i), 2))) // one graph for shape [2], built on the first call
	}
	// Output:
	// tensor([0., 0.])
	// tensor([1., 1.])
	// tensor([4., 4.])
}

func ExampleSequential_Forward() {
	d2l.Seed(0)
	net := d2l.NewSequential(d2l.NewLinear(2, 2), d2l.NewSigmoid())
	X := d2l.Tensor([][]float32{{1, -1}})
	before := net.Forward(X)
	net.Layers[1] = d2l.NewReLU() // the next Forward runs the new network
	after := net.Forward(X)
	fmt.Println(d2l.AllClose(before, after, 1e-6))
	// Output:
	// false
}

func ExampleReadFashionMNIST() {
	trainIter, testIter, err := d2l.ReadFashionMNIST(256, d2l.DataDir("/nonexistent"))
	fmt.Println(trainIter == nil, testIter == nil)
	fmt.Println(err)
	// Output:
	// true true
	// d2l.ReadFashionMNIST: argument dir: got no file /nonexistent/train-images-idx3-ubyte.gz, want Fashion-MNIST's idx files there: install them with `sudo apt-get install dataset-fashion-mnist`
}
