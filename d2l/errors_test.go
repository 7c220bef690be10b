package d2l

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withNaN returns ones of the given shape with a NaN in the last element.
func withNaN(shape ...int) *tensors.Tensor {
	t := Ones(shape...)
	tensors.MustMutableFlatData(t, func(flat []float32) { flat[len(flat)-1] = float32(math.NaN()) })
	return t
}

// TestBadInput checks that every bad input of every function panics with a one-line *Error
// naming the function, the argument, what was given and what was expected.
func TestBadInput(t *testing.T) {
	var nilT *tensors.Tensor
	ints := tensors.FromValue([][]int32{{1, 2}, {3, 4}})
	X2, K2 := Ones(3, 3), Ones(2, 2)
	X3, K3 := Ones(2, 3, 3), Ones(2, 2, 2)
	K4 := Ones(3, 2, 2, 2)
	K11 := Ones(3, 2, 1, 1)
	X4 := Ones(1, 2, 5, 5)
	conv := func() *Conv2d { return NewConv2d(2, 3, KernelSize(3)) }
	mp := func() *MaxPool2d { return NewMaxPool2d(KernelSize(2)) }
	ap := func() *AvgPool2d { return NewAvgPool2d(KernelSize(2)) }

	tests := []struct {
		name string
		f    func()
		want []string // substrings of the message, in order
	}{
		// Corr2D
		{"Corr2D nil X", func() { Corr2D(nilT, K2) }, []string{"d2l.Corr2D: argument X: got nil"}},
		{"Corr2D nil K", func() { Corr2D(X2, nilT) }, []string{"d2l.Corr2D: argument K: got nil"}},
		{"Corr2D rank X", func() { Corr2D(X3, K2) }, []string{"d2l.Corr2D: argument X: got shape [2 3 3] (rank 3), want rank 2 [h, w]"}},
		{"Corr2D rank K", func() { Corr2D(X2, Ones(3, 3, 3)) }, []string{"d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]"}},
		{"Corr2D dtype", func() { Corr2D(ints, K2) }, []string{"d2l.Corr2D: argument X: got dtype Int32, want dtype float32"}},
		{"Corr2D NaN", func() { Corr2D(X2, withNaN(2, 2)) }, []string{"d2l.Corr2D: argument K: got NaN at index [1 1], want finite values (no NaN or ±Inf)"}},
		{"Corr2D kernel too large", func() { Corr2D(X2, Ones(4, 2)) }, []string{"d2l.Corr2D: argument X: got spatial size 3x3", "want a (padded) input at least as large as the 4x2 window"}},
		{"Corr2D empty kernel", func() { Corr2D(X2, Zeros(0, 2)) }, []string{"d2l.Corr2D: argument K: got shape [0 2], want every dimension >= 1"}},
		// Corr2DMultiIn
		{"Corr2DMultiIn rank X", func() { Corr2DMultiIn(X2, K3) }, []string{"d2l.Corr2DMultiIn: argument X: got shape [3 3] (rank 2), want rank 3 [ci, h, w]"}},
		{"Corr2DMultiIn rank K", func() { Corr2DMultiIn(X3, K2) }, []string{"d2l.Corr2DMultiIn: argument K: got shape [2 2] (rank 2), want rank 3 [ci, kh, kw]"}},
		{"Corr2DMultiIn channels", func() { Corr2DMultiIn(X3, Ones(3, 2, 2)) }, []string{"d2l.Corr2DMultiIn: argument K: got shape [3 2 2] (3 input channels), want 2 input channels"}},
		{"Corr2DMultiIn too large", func() { Corr2DMultiIn(X3, Ones(2, 4, 4)) }, []string{"d2l.Corr2DMultiIn: argument X: got spatial size 3x3"}},
		{"Corr2DMultiIn nil", func() { Corr2DMultiIn(nilT, K3) }, []string{"d2l.Corr2DMultiIn: argument X: got nil"}},
		{"Corr2DMultiIn dtype", func() { Corr2DMultiIn(X3, tensors.FromValue([][][]float64{{{1}}, {{1}}})) }, []string{"d2l.Corr2DMultiIn: argument K: got dtype Float64"}},
		{"Corr2DMultiIn NaN", func() { Corr2DMultiIn(withNaN(2, 3, 3), K3) }, []string{"d2l.Corr2DMultiIn: argument X: got NaN at index [1 2 2]"}},
		// Corr2DMultiInOut
		{"Corr2DMultiInOut rank K", func() { Corr2DMultiInOut(X3, K3) }, []string{"d2l.Corr2DMultiInOut: argument K: got shape [2 2 2] (rank 3), want rank 4 [co, ci, kh, kw]"}},
		{"Corr2DMultiInOut rank X", func() { Corr2DMultiInOut(X4, K4) }, []string{"d2l.Corr2DMultiInOut: argument X: got shape [1 2 5 5] (rank 4), want rank 3 [ci, h, w]"}},
		{"Corr2DMultiInOut channels", func() { Corr2DMultiInOut(X3, Ones(3, 1, 2, 2)) }, []string{"d2l.Corr2DMultiInOut: argument K: got shape [3 1 2 2] (1 input channels), want 2 input channels in axis 1"}},
		{"Corr2DMultiInOut too large", func() { Corr2DMultiInOut(X3, Ones(3, 2, 2, 5)) }, []string{"d2l.Corr2DMultiInOut: argument X: got spatial size 3x3"}},
		{"Corr2DMultiInOut nil", func() { Corr2DMultiInOut(X3, nilT) }, []string{"d2l.Corr2DMultiInOut: argument K: got nil"}},
		{"Corr2DMultiInOut dtype", func() { Corr2DMultiInOut(tensors.FromValue([][][]int64{{{1}}}), K4) }, []string{"d2l.Corr2DMultiInOut: argument X: got dtype Int64"}},
		{"Corr2DMultiInOut NaN", func() { Corr2DMultiInOut(X3, withNaN(3, 2, 2, 2)) }, []string{"d2l.Corr2DMultiInOut: argument K: got NaN at index [2 1 1 1]"}},
		// Corr2DMultiInOut1x1
		{"1x1 not 1x1", func() { Corr2DMultiInOut1x1(X3, K4) }, []string{"d2l.Corr2DMultiInOut1x1: argument K: got shape [3 2 2 2], want a 1x1 kernel [co, ci, 1, 1]"}},
		{"1x1 rank K", func() { Corr2DMultiInOut1x1(X3, Ones(3, 2)) }, []string{"d2l.Corr2DMultiInOut1x1: argument K: got shape [3 2] (rank 2), want rank 4 [co, ci, 1, 1]"}},
		{"1x1 rank X", func() { Corr2DMultiInOut1x1(X2, K11) }, []string{"d2l.Corr2DMultiInOut1x1: argument X: got shape [3 3] (rank 2), want rank 3 [ci, h, w]"}},
		{"1x1 channels", func() { Corr2DMultiInOut1x1(Ones(4, 3, 3), K11) }, []string{"d2l.Corr2DMultiInOut1x1: argument K: got shape [3 2 1 1] (2 input channels), want 4 input channels"}},
		{"1x1 nil", func() { Corr2DMultiInOut1x1(nilT, K11) }, []string{"d2l.Corr2DMultiInOut1x1: argument X: got nil"}},
		{"1x1 dtype", func() { Corr2DMultiInOut1x1(X3, tensors.FromValue([][][][]int32{{{{1}}}})) }, []string{"d2l.Corr2DMultiInOut1x1: argument K: got dtype Int32"}},
		{"1x1 NaN", func() { Corr2DMultiInOut1x1(withNaN(2, 3, 3), K11) }, []string{"d2l.Corr2DMultiInOut1x1: argument X: got NaN"}},
		// Pool2D
		{"Pool2D mode", func() { Pool2D(X2, [2]int{2, 2}, "mean") }, []string{`d2l.Pool2D: argument mode: got "mean", want "max" or "avg"`}},
		{"Pool2D rank", func() { Pool2D(X3, [2]int{2, 2}, "max") }, []string{"d2l.Pool2D: argument X: got shape [2 3 3] (rank 3), want rank 2 [h, w]"}},
		{"Pool2D size", func() { Pool2D(X2, [2]int{0, 2}, "max") }, []string{"d2l.Pool2D: argument poolSize: got [0 2], want window sizes >= 1"}},
		{"Pool2D too large", func() { Pool2D(X2, [2]int{2, 4}, "avg") }, []string{"d2l.Pool2D: argument X: got spatial size 3x3", "2x4 window"}},
		{"Pool2D nil", func() { Pool2D(nilT, [2]int{2, 2}, "max") }, []string{"d2l.Pool2D: argument X: got nil"}},
		{"Pool2D dtype", func() { Pool2D(ints, [2]int{1, 1}, "max") }, []string{"d2l.Pool2D: argument X: got dtype Int32"}},
		{"Pool2D NaN", func() { Pool2D(withNaN(3, 3), [2]int{2, 2}, "max") }, []string{"d2l.Pool2D: argument X: got NaN at index [2 2]"}},
		// NewConv2d
		{"NewConv2d no kernel", func() { NewConv2d(1, 1) }, []string{"d2l.NewConv2d: argument KernelSize: got no KernelSize option"}},
		{"NewConv2d kernel 0", func() { NewConv2d(1, 1, KernelSize(0)) }, []string{"d2l.NewConv2d: argument KernelSize: got [0 0], want window sizes >= 1"}},
		{"NewConv2d kernel 3 values", func() { NewConv2d(1, 1, KernelSize(1, 2, 3)) }, []string{"d2l.NewConv2d: argument KernelSize: got 3 values [1 2 3], want (h) or (h, w)"}},
		{"NewConv2d stride 0", func() { NewConv2d(1, 1, KernelSize(3), Stride(0)) }, []string{"d2l.NewConv2d: argument Stride: got [0 0], want strides >= 1"}},
		{"NewConv2d stride -1", func() { NewConv2d(1, 1, KernelSize(3), Stride(1, -1)) }, []string{"d2l.NewConv2d: argument Stride: got [1 -1], want strides >= 1"}},
		{"NewConv2d negative padding", func() { NewConv2d(1, 1, KernelSize(3), Padding(-1)) }, []string{"d2l.NewConv2d: argument Padding: got [-1 -1], want padding >= 0"}},
		{"NewConv2d channels", func() { NewConv2d(0, 1, KernelSize(3)) }, []string{"d2l.NewConv2d: argument inChannels: got 0, want inChannels >= 1"}},
		{"NewConv2d out channels", func() { NewConv2d(1, -2, KernelSize(3)) }, []string{"d2l.NewConv2d: argument outChannels: got -2, want outChannels >= 1"}},
		{"NewConv2d nil option", func() { NewConv2d(1, 1, nil) }, []string{"d2l.NewConv2d: argument opts[0]: got nil"}},
		// Conv2d.Forward
		{"Conv2d.Forward rank", func() { conv().Forward(X2) }, []string{"d2l.Conv2d.Forward: argument X: got shape [3 3] (rank 2), want rank 4 [n, ci, h, w] (or rank 3 [ci, h, w])"}},
		{"Conv2d.Forward channels", func() { conv().Forward(Ones(1, 3, 5, 5)) }, []string{"d2l.Conv2d.Forward: argument X: got shape [1 3 5 5] (3 channels), want 2 input channels (Weight is [3 2 3 3])"}},
		{"Conv2d.Forward too large", func() { conv().Forward(Ones(1, 2, 2, 5)) }, []string{"d2l.Conv2d.Forward: argument X: got spatial size 2x5, want a (padded) input at least as large as the 3x3 window"}},
		{"Conv2d.Forward too large padded", func() { NewConv2d(1, 1, KernelSize(5), Padding(1)).Forward(Ones(1, 1, 2, 2)) }, []string{"got spatial size 2x2, 4x4 after padding"}},
		{"Conv2d.Forward nil X", func() { conv().Forward(nilT) }, []string{"d2l.Conv2d.Forward: argument X: got nil"}},
		{"Conv2d.Forward nil layer", func() { (*Conv2d)(nil).Forward(X4) }, []string{"d2l.Conv2d.Forward: argument conv: got nil *Conv2d"}},
		{"Conv2d.Forward dtype", func() { conv().Forward(tensors.FromValue([][][][]float64{{{{1}}}})) }, []string{"d2l.Conv2d.Forward: argument X: got dtype Float64"}},
		{"Conv2d.Forward NaN", func() { conv().Forward(withNaN(1, 2, 5, 5)) }, []string{"d2l.Conv2d.Forward: argument X: got NaN at index [0 1 4 4]"}},
		{"Conv2d.Forward bad weight", func() { c := conv(); c.Weight = Ones(3, 3); c.Forward(X4) }, []string{"d2l.Conv2d.Forward: argument Weight: got shape [3 3] (rank 2), want rank 4"}},
		{"Conv2d.Forward nil weight", func() { c := conv(); c.Weight = nil; c.Forward(X4) }, []string{"d2l.Conv2d.Forward: argument Weight: got nil"}},
		{"Conv2d.Forward bad bias", func() { c := conv(); c.Bias = Ones(2); c.Forward(X4) }, []string{"d2l.Conv2d.Forward: argument Bias: got shape [2], want shape [3] (one per output channel)"}},
		{"Conv2d.Forward stride set to 0", func() { c := conv(); c.Stride = [2]int{0, 1}; c.Forward(X4) }, []string{"d2l.Conv2d.Forward: argument Stride: got [0 1], want strides >= 1"}},
		{"Conv2d.Forward padding set negative", func() { c := conv(); c.Padding = [2]int{0, -1}; c.Forward(X4) }, []string{"d2l.Conv2d.Forward: argument Padding: got [0 -1], want padding >= 0"}},
		// CompConv2D
		{"CompConv2D rank", func() { CompConv2D(NewConv2d(1, 1, KernelSize(3)), X4) }, []string{"d2l.CompConv2D: argument X: got shape [1 2 5 5] (rank 4), want rank 2 [h, w]"}},
		{"CompConv2D channels", func() { CompConv2D(conv(), X2) }, []string{"d2l.CompConv2D: argument conv: got Weight shape [3 2 3 3], want a Conv2d with 1 input and 1 output channel"}},
		{"CompConv2D nil conv", func() { CompConv2D(nil, X2) }, []string{"d2l.CompConv2D: argument conv: got nil *Conv2d"}},
		{"CompConv2D too large", func() { CompConv2D(NewConv2d(1, 1, KernelSize(4)), X2) }, []string{"d2l.Conv2d.Forward: argument X: got spatial size 3x3"}},
		{"CompConv2D NaN", func() { CompConv2D(NewConv2d(1, 1, KernelSize(2)), withNaN(3, 3)) }, []string{"d2l.CompConv2D: argument X: got NaN"}},
		// Pooling layers
		{"NewMaxPool2d padding over half", func() { NewMaxPool2d(KernelSize(3), Padding(2)) }, []string{"d2l.NewMaxPool2d: argument Padding: got [2 2], want at most half the window [3 3], i.e. <= (1, 1)"}},
		{"NewAvgPool2d padding over half", func() { NewAvgPool2d(KernelSize(2, 4), Padding(1, 3)) }, []string{"d2l.NewAvgPool2d: argument Padding: got [1 3], want at most half the window [2 4], i.e. <= (1, 2)"}},
		{"NewMaxPool2d no kernel", func() { NewMaxPool2d(Stride(2)) }, []string{"d2l.NewMaxPool2d: argument KernelSize: got no KernelSize option"}},
		{"NewMaxPool2d stride 0", func() { NewMaxPool2d(KernelSize(2), Stride(0)) }, []string{"d2l.NewMaxPool2d: argument Stride: got [0 0], want strides >= 1"}},
		{"NewAvgPool2d negative padding", func() { NewAvgPool2d(KernelSize(2), Padding(-1)) }, []string{"d2l.NewAvgPool2d: argument Padding: got [-1 -1], want padding >= 0"}},
		{"NewAvgPool2d bias option", func() { NewAvgPool2d(KernelSize(2), Bias(false)) }, []string{"d2l.NewAvgPool2d: argument Bias: got Bias(false), want only KernelSize, Stride and Padding"}},
		{"MaxPool2d.Forward rank", func() { mp().Forward(X2) }, []string{"d2l.MaxPool2d.Forward: argument X: got shape [3 3] (rank 2), want rank 4 [n, c, h, w] (or rank 3 [c, h, w])"}},
		{"MaxPool2d.Forward too large", func() { NewMaxPool2d(KernelSize(6)).Forward(X4) }, []string{"d2l.MaxPool2d.Forward: argument X: got spatial size 5x5"}},
		{"MaxPool2d.Forward nil", func() { mp().Forward(nilT) }, []string{"d2l.MaxPool2d.Forward: argument X: got nil"}},
		{"MaxPool2d.Forward nil layer", func() { (*MaxPool2d)(nil).Forward(X4) }, []string{"d2l.MaxPool2d.Forward: argument pool: got nil *MaxPool2d"}},
		{"MaxPool2d.Forward dtype", func() { mp().Forward(tensors.FromValue([][][]int32{{{1, 2}, {3, 4}}})) }, []string{"d2l.MaxPool2d.Forward: argument X: got dtype Int32"}},
		{"MaxPool2d.Forward NaN", func() { mp().Forward(withNaN(1, 1, 4, 4)) }, []string{"d2l.MaxPool2d.Forward: argument X: got NaN at index [0 0 3 3]"}},
		{"MaxPool2d.Forward padding set", func() { p := mp(); p.Padding = [2]int{2, 0}; p.Forward(X4) }, []string{"d2l.MaxPool2d.Forward: argument Padding: got [2 0], want at most half the window"}},
		{"AvgPool2d.Forward rank", func() { ap().Forward(Ones(4)) }, []string{"d2l.AvgPool2d.Forward: argument X: got shape [4] (rank 1), want rank 4 [n, c, h, w]"}},
		{"AvgPool2d.Forward NaN", func() { ap().Forward(withNaN(2, 4, 4)) }, []string{"d2l.AvgPool2d.Forward: argument X: got NaN at index [1 3 3]"}},
		{"AvgPool2d.Forward nil layer", func() { (*AvgPool2d)(nil).Forward(X4) }, []string{"d2l.AvgPool2d.Forward: argument pool: got nil *AvgPool2d"}},
		{"AvgPool2d.Forward stride set", func() { p := ap(); p.Stride = [2]int{-1, 1}; p.Forward(X4) }, []string{"d2l.AvgPool2d.Forward: argument Stride: got [-1 1], want strides >= 1"}},
		{"AvgPool2d.Forward dtype", func() { ap().Forward(tensors.FromValue([][][]float64{{{1, 2}, {3, 4}}})) }, []string{"d2l.AvgPool2d.Forward: argument X: got dtype Float64"}},
		// ScratchConv2D
		{"NewScratchConv2D size", func() { NewScratchConv2D(0, 2) }, []string{"d2l.NewScratchConv2D: argument kernel size: got (0, 2), want kh >= 1 and kw >= 1"}},
		{"ScratchConv2D.Forward rank", func() { NewScratchConv2D(1, 2).Forward(X3) }, []string{"d2l.ScratchConv2D.Forward: argument X: got shape [2 3 3] (rank 3), want rank 2 [h, w]"}},
		{"ScratchConv2D.Forward too large", func() { NewScratchConv2D(1, 4).Forward(X2) }, []string{"d2l.ScratchConv2D.Forward: argument X: got spatial size 3x3"}},
		{"ScratchConv2D.Forward bias", func() { l := NewScratchConv2D(1, 2); l.Bias = Ones(2); l.Forward(X2) }, []string{"d2l.ScratchConv2D.Forward: argument Bias: got shape [2] (rank 1), want a scalar"}},
		{"ScratchConv2D.Forward nil", func() { NewScratchConv2D(1, 2).Forward(nilT) }, []string{"d2l.ScratchConv2D.Forward: argument X: got nil"}},
		{"ScratchConv2D.Forward NaN", func() { l := NewScratchConv2D(1, 2); l.Weight = withNaN(1, 2); l.Forward(X2) }, []string{"d2l.ScratchConv2D.Forward: argument Weight: got NaN at index [0 1]"}},
		{"ScratchConv2D.Forward dtype", func() { NewScratchConv2D(1, 2).Forward(ints) }, []string{"d2l.ScratchConv2D.Forward: argument X: got dtype Int32"}},
		{"ScratchConv2D.Forward nil layer", func() { (*ScratchConv2D)(nil).Forward(X2) }, []string{"d2l.ScratchConv2D.Forward: argument layer: got nil *ScratchConv2D"}},
		// Tensor helpers
		{"Tensor nil", func() { Tensor(nil) }, []string{"d2l.Tensor: argument value: got nil"}},
		{"Tensor ragged", func() { Tensor([][]float32{{1, 2}, {3}}) }, []string{"d2l.Tensor: argument value: got a ragged nested slice"}},
		{"Tensor ragged depth", func() { Tensor([]any{[]float32{1}, 2.0}) }, []string{"d2l.Tensor: argument value: got a ragged nested slice"}},
		{"Tensor strings", func() { Tensor([]string{"a"}) }, []string{"d2l.Tensor: argument value: got an element of type string, want numbers"}},
		{"Reshape size", func() { Reshape(Ones(2, 3), 4, 2) }, []string{"d2l.Reshape: argument shape: got [4 2] (8 elements), want a shape with 6 elements"}},
		{"Reshape two -1", func() { Reshape(Ones(2, 3), -1, -1) }, []string{"d2l.Reshape: argument shape: got [-1 -1], want non-negative dimensions and at most one -1"}},
		{"Reshape nil", func() { Reshape(nilT, 1) }, []string{"d2l.Reshape: argument t: got nil"}},
		{"T rank", func() { T(X3) }, []string{"d2l.T: argument t: got shape [2 3 3] (rank 3), want rank 2 [h, w]"}},
		{"Flip rank", func() { Flip(Ones(3)) }, []string{"d2l.Flip: argument t: got shape [3] (rank 1), want rank >= 2"}},
		{"Add shapes", func() { Add(Ones(2, 3), Ones(2)) }, []string{"d2l.Add: argument b: got shape [2], want a shape broadcastable with a's [2 3]"}},
		{"Sub nil", func() { Sub(nilT, X2) }, []string{"d2l.Sub: argument a: got nil"}},
		{"Mul dtype", func() { Mul(X2, ints) }, []string{"d2l.Mul: argument b: got dtype Int32"}},
		{"Cat shapes", func() { Cat(1, Ones(1, 2, 3), Ones(2, 2, 3)) }, []string{"d2l.Cat: argument ts[1]: got shape [2 2 3], want shape matching ts[0] [1 2 3] except on axis 1"}},
		{"Cat axis", func() { Cat(3, Ones(1, 2, 3)) }, []string{"d2l.Cat: argument axis: got 3, want an axis in [-3, 3)"}},
		{"Cat none", func() { Cat(0) }, []string{"d2l.Cat: argument ts: got none, want at least one tensor"}},
		{"Stack shapes", func() { Stack(0, Ones(2, 2), Ones(2, 3)) }, []string{"d2l.Stack: argument ts[1]: got shape [2 3]"}},
		{"Stack axis", func() { Stack(4, Ones(2, 2)) }, []string{"d2l.Stack: argument axis: got 4, want an axis in [-3, 3)"}},
		{"Item size", func() { Item(Ones(2)) }, []string{"d2l.Item: argument t: got shape [2] (rank 1), want a tensor with one element"}},
		{"Sum nil", func() { Sum(nilT) }, []string{"d2l.Sum: argument t: got nil"}},
		{"Abs nil", func() { Abs(nilT) }, []string{"d2l.Abs: argument t: got nil"}},
		{"AddScalar dtype", func() { AddScalar(ints, 1) }, []string{"d2l.AddScalar: argument t: got dtype Int32"}},
		{"AllClose nil", func() { AllClose(X2, nilT, 0) }, []string{"d2l.AllClose: argument b: got nil"}},
		{"Arange negative", func() { Arange(-1) }, []string{"d2l.Arange: argument n: got -1, want n >= 0"}},
		{"Arange reshape", func() { Arange(6, 4, 2) }, []string{"d2l.Arange: argument shape: got [4 2] (8 elements), want a shape with 6 elements"}},
		{"Ones negative", func() { Ones(2, -1) }, []string{"d2l.Ones: argument shape: got [2 -1], want non-negative dimensions"}},
		{"Rand negative", func() { Rand(-3) }, []string{"d2l.Rand: argument shape: got [-3]"}},
		{"Fill ranges", func() { Fill(X2, 0, All, All, All) }, []string{"d2l.Fill: argument ranges: got 3 ranges, want at most 2 ranges (one per axis)"}},
		{"Size nil", func() { Size(nilT) }, []string{"d2l.Size: argument t: got nil"}},
		// Eval
		{"Eval nil input", func() { Eval(func(x *graph.Node) *graph.Node { return x }, nilT) }, []string{"d2l.Eval: argument inputs[0]: got nil"}},
		{"Eval bad graph", func() {
			Eval(func(x, y *graph.Node) *graph.Node { return graph.Add(x, y) }, Ones(2), Ones(3))
		}, []string{"d2l.Eval: got ", "want a graph that builds and runs"}},
		{"Eval wrong arity", func() { Eval(func(x *graph.Node) *graph.Node { return x }, Ones(2), Ones(2)) }, []string{"d2l.Eval: argument inputs: got 2 inputs, want 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Try(tc.f)
			require.Error(t, err, "no error")
			var e *Error
			require.True(t, errors.As(err, &e), "error %T is not *d2l.Error: %v", err, err)
			msg := err.Error()
			assert.NotContains(t, msg, "\n", "one line")
			assert.True(t, strings.HasPrefix(msg, "d2l."), "names the function: %q", msg)
			assert.Contains(t, msg, "got ", "says what was given: %q", msg)
			pos := 0
			for _, want := range tc.want {
				i := strings.Index(msg[pos:], want)
				if !assert.GreaterOrEqual(t, i, 0, "message %q lacks %q", msg, want) {
					break
				}
				pos += i + len(want)
			}
		})
	}
}

// TestTry: Try returns d2l's *Error and lets any other panic (a bug) through unchanged.
func TestTry(t *testing.T) {
	assert.NoError(t, Try(func() {}))
	assert.PanicsWithValue(t, "boom\nsecond line", func() { _ = Try(func() { panic("boom\nsecond line") }) })
	plain := errors.New("plain error")
	assert.PanicsWithValue(t, plain, func() { _ = Try(func() { panic(plain) }) })
	var arr []int
	assert.Panics(t, func() { _ = Try(func() { _ = arr[3] }) })
	err := Try(func() { Corr2D(nil, nil) })
	var e *Error
	require.ErrorAs(t, err, &e)
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Func: "d2l.Corr2D", Arg: "K", Got: "shape [3 3 3] (rank 3)", Want: "rank 2 [kh, kw]"}
	assert.Equal(t, "d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]", e.Error())
	e = &Error{Func: "d2l.X", Got: "a\nb"}
	assert.Equal(t, "d2l.X: got a", e.Error())
}

// TestHasNonFinite: hasNonFinite finds every NaN encoding (quiet, signalling, either sign) and
// both infinities at every position of slices whose lengths straddle its 16-value blocks and
// odd tails, and reports nothing for the largest finite values, zeros and denormals.
func TestHasNonFinite(t *testing.T) {
	bad := []struct {
		name string
		bits uint32
	}{
		{"quiet NaN", 0x7fc00000},
		{"negative quiet NaN", 0xffc00000},
		{"signalling NaN", 0x7f800001},
		{"NaN with all mantissa bits", 0x7fffffff},
		{"negative signalling NaN", 0xff800001},
		{"+Inf", 0x7f800000},
		{"-Inf", 0xff800000},
	}
	clean := []float32{math.MaxFloat32, -math.MaxFloat32, 0, float32(math.Copysign(0, -1)),
		math.SmallestNonzeroFloat32, 1, math.Float32frombits(0x7f7fffff), -3}
	for n := 0; n <= 40; n++ {
		flat := make([]float32, n)
		for i := range flat {
			flat[i] = clean[i%len(clean)]
		}
		require.False(t, hasNonFinite(flat), "length %d, all finite", n)
		for _, b := range bad {
			for pos := range n {
				with := slices.Clone(flat)
				with[pos] = math.Float32frombits(b.bits)
				require.True(t, hasNonFinite(with), "%s at %d of %d", b.name, pos, n)
			}
		}
	}
}

// TestNotebookCrashReport runs a program that fails as a notebook cell may (testdata/crash,
// built as GoNB builds a cell: package main in main.go). In a notebook ($GONB_PIPE set), an
// unrecovered *Error ends it with the one-line message and the notebook's own lines of code
// that made the call, innermost first: no goroutine trace, no path, exit status 0 (GoNB adds
// nothing then). A runtime error in the notebook's own code keeps Go's report and trace;
// outside a notebook nothing changes; d2l.Try still catches the error.
func TestNotebookCrashReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "crash")
	build := exec.Command("go", "build", "-o", bin, "./testdata/crash")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	const msg = "d2l.Corr2D: argument K: got shape [3 3 3] (rank 3), want rank 2 [kh, kw]"
	run := func(notebook bool, mode string) (stdout, stderr string, code int) {
		cmd := exec.Command(bin, mode)
		cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "GONB_PIPE") })
		if notebook {
			cmd.Env = append(cmd.Env, "GONB_PIPE="+filepath.Join(t.TempDir(), "no-pipe"))
		}
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return o.String(), e.String(), code
	}
	for _, tc := range []struct {
		mode, want string
	}{
		{"cell", msg + "\n    在这一格: d2l.Print(d2l.Corr2D(X, d2l.Ones(3, 3, 3)))\n"},
		{"function", msg + "\n    在函数 conv 里: return d2l.Corr2D(X, d2l.Ones(3, 3, 3))\n    在这一格: d2l.Print(conv(X))\n"},
		{"closure", msg + "\n    在函数 conv 里: return d2l.Corr2D(X, d2l.Ones(3, 3, 3))\n" +
			"    在这一格: func() { d2l.Print(conv(X)) }()\n"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			_, stderr, code := run(true, tc.mode)
			assert.Equal(t, tc.want, stderr)
			assert.Zero(t, code, "GoNB adds \"exit status\" to any other")
			_, stderr, code = run(false, tc.mode)
			assert.Equal(t, 2, code, "outside a notebook: Go's crash")
			assert.Contains(t, stderr, "panic: "+msg)
			assert.Contains(t, stderr, "goroutine 1 [running]")
		})
	}
	t.Run("try", func(t *testing.T) {
		stdout, stderr, code := run(true, "try")
		assert.Equal(t, "caught: "+msg+"\n", stdout)
		assert.NotContains(t, stderr, msg)
		assert.Zero(t, code)
	})
	t.Run("runtime error", func(t *testing.T) {
		_, stderr, code := run(true, "runtime")
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "panic: runtime error: index out of range")
		assert.Contains(t, stderr, "goroutine 1 [running]", "a bug in the notebook's code keeps its trace")
		assert.Contains(t, stderr, "main.main()")
	})
}
