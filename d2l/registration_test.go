package d2l_test

// The tests of d2l link the ONNX Runtime registration, so that they can run on ONNX Runtime
// (GOMLX_BACKEND=onnx go test ./d2l/) and TestBackendSelection can check the default choice;
// TestMain keeps plain `go test` on pure Go.
import _ "github.com/d2l-go/d2l-go/backends/onnxrt"
