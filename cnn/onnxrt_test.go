package cnn_test

// Linking the ONNX Runtime registration into this test binary lets the tests and benchmarks of
// cnn run on ONNX Runtime when asked (pure Go otherwise), with the library `d2l setup` installs:
//
//	GOMLX_BACKEND=onnx go test ./cnn/
import _ "github.com/d2l-go/d2l-go/backends/onnxrt"
