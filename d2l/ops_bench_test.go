package d2l

import (
	"math"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
)

// Benchmarks of every eager op of the book's API (on the backend Backend chooses; set
// GOMLX_BACKEND to pick one) at the sizes the chapter uses, plus batched layer sizes of LeNet,
// and one LeNet training step (forward, backward, SGD update) at batch 256. Each op's graph is
// compiled before the timer starts, so the figures are warm per-call costs (what a notebook
// cell pays on its second run of the same shape).
//
//	go test -run '^$' -bench . ./d2l/
func BenchmarkOps(b *testing.B) {
	Seed(1)
	conv1 := NewConv2d(1, 6, KernelSize(5), Padding(2))
	conv2 := NewConv2d(6, 16, KernelSize(5))
	maxPool := NewMaxPool2d(KernelSize(2), Stride(2))
	avgPool := NewAvgPool2d(KernelSize(2), Stride(2))
	maxPool3 := NewMaxPool2d(KernelSize(3), Padding(1), Stride(2))
	comp := NewConv2d(1, 1, KernelSize(3), Padding(1))
	scratch := NewScratchConv2D(1, 2)
	x8 := Rand(8, 8)
	cases := []struct {
		name string
		fn   func() *tensors.Tensor
	}{
		{"Corr2D/3x3*2x2", func() *tensors.Tensor { return Corr2D(Arange(9, 3, 3), Arange(4, 2, 2)) }},
		{"Corr2D/6x8*1x2", func() *tensors.Tensor { return Corr2D(Ones(6, 8), Tensor([][]float32{{1, -1}})) }},
		{"Corr2DMultiIn/2x3x3", func() *tensors.Tensor { return Corr2DMultiIn(Arange(18, 2, 3, 3), Arange(8, 2, 2, 2)) }},
		{"Corr2DMultiInOut/3x2x2x2", func() *tensors.Tensor { return Corr2DMultiInOut(Arange(18, 2, 3, 3), Arange(24, 3, 2, 2, 2)) }},
		{"Corr2DMultiInOut1x1/3x3x3", func() *tensors.Tensor { return Corr2DMultiInOut1x1(Rand(3, 3, 3), Rand(2, 3, 1, 1)) }},
		{"Pool2D/max", func() *tensors.Tensor { return Pool2D(Arange(9, 3, 3), [2]int{2, 2}, "max") }},
		{"Pool2D/avg", func() *tensors.Tensor { return Pool2D(Arange(9, 3, 3), [2]int{2, 2}, "avg") }},
		{"CompConv2D/8x8", func() *tensors.Tensor { return CompConv2D(comp, x8) }},
		{"ScratchConv2D/6x8", func() *tensors.Tensor { return scratch.Forward(Ones(6, 8)) }},
		{"MaxPool2d/3x3pad1s2/1x1x4x4", func() *tensors.Tensor { return maxPool3.Forward(Arange(16, 1, 1, 4, 4)) }},
		{"Conv2d/lenet1/64x1x28x28", func() *tensors.Tensor { return conv1.Forward(Rand(64, 1, 28, 28)) }},
		{"Conv2d/lenet2/64x6x14x14", func() *tensors.Tensor { return conv2.Forward(Rand(64, 6, 14, 14)) }},
		{"MaxPool2d/2x2/64x6x28x28", func() *tensors.Tensor { return maxPool.Forward(Rand(64, 6, 28, 28)) }},
		{"AvgPool2d/2x2/64x6x28x28", func() *tensors.Tensor { return avgPool.Forward(Rand(64, 6, 28, 28)) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.fn() // compile
			for b.Loop() {
				c.fn() // as a notebook cell calls it: the result is not freed
			}
		})
	}
}

// BenchmarkLeNetTrainStep256 times one TrainBatch of the book's LeNet at batch 256 (forward,
// backward and SGD update in one compiled graph, parameters replaced).
func BenchmarkLeNetTrainStep256(b *testing.B) {
	Seed(2)
	net := LeNet()
	X := Rand(256, 1, 28, 28)
	labels := make([]int32, 256)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	y := tensors.FromValue(labels)
	TrainBatch(net, X, y, 0.9) // compile
	cpu0 := cpuTime()
	for b.Loop() {
		TrainBatch(net, X, y, 0.9)
	}
	// CPU time (all threads) is steadier than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHasNonFinite times the NaN/Inf check every eager op makes of its inputs, on a
// 256x6x28x28 input of finite values: hasNonFinite (two values per uint64, no branch) against
// testing each value.
func BenchmarkHasNonFinite(b *testing.B) {
	flat := make([]float32, 256*6*28*28)
	for i := range flat {
		flat[i] = float32(i%1000) * 0.37
	}
	b.Run("bits", func(b *testing.B) {
		for b.Loop() {
			if hasNonFinite(flat) {
				b.Fatal("NaN or Inf found")
			}
		}
	})
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			for _, v := range flat {
				if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
					b.Fatal("NaN or Inf found")
				}
			}
		}
	})
}
