package d2l

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLayerStrings compares the layers' String with PyTorch 1.13's repr of the same layers.
func TestLayerStrings(t *testing.T) {
	tests := []struct {
		layer interface{ String() string }
		want  string
	}{
		{NewConv2d(1, 1, KernelSize(3), Padding(1)), "Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"},
		{NewConv2d(1, 6, KernelSize(5), Padding(2)), "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))"},
		{NewConv2d(1, 1, KernelSize(1, 2), Bias(false)), "Conv2d(1, 1, kernel_size=(1, 2), stride=(1, 1), bias=False)"},
		{NewConv2d(1, 1, KernelSize(3, 5), Padding(0, 1), Stride(3, 4)), "Conv2d(1, 1, kernel_size=(3, 5), stride=(3, 4), padding=(0, 1))"},
		{NewMaxPool2d(KernelSize(3), Padding(1), Stride(2)), "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"},
		{NewMaxPool2d(KernelSize(2, 3), Stride(2, 3), Padding(0, 1)), "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=(0, 1), dilation=1, ceil_mode=False)"},
		{NewMaxPool2d(KernelSize(3)), "MaxPool2d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)"},
		{NewAvgPool2d(KernelSize(2), Stride(2)), "AvgPool2d(kernel_size=2, stride=2, padding=0)"},
		{NewAvgPool2d(KernelSize(3), Padding(1), Stride(2)), "AvgPool2d(kernel_size=3, stride=2, padding=1)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.layer.String())
	}
}
