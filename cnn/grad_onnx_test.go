//go:build onnx

package cnn

// Built with -tags onnx, the gradient tests can run on ONNX Runtime:
//
//	GOMLX_BACKEND=onnxruntime go test -tags onnx -run 'TestGradients|TestPadFree' ./cnn/
import _ "github.com/gomlx/compute-onnx"
