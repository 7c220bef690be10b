package cnn

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/stretchr/testify/assert"
)

// TestNoGlobalGradients: importing cnn (and building its graphs) leaves GoMLX's global gradient
// table as GoMLX defines it.
func TestNoGlobalGradients(t *testing.T) {
	for _, nt := range []graph.NodeType{graph.NodeTypeConvGeneral, graph.NodeTypeSlice} {
		vjp := graph.VJPRegistration[nt]
		name := runtime.FuncForPC(reflect.ValueOf(vjp).Pointer()).Name()
		assert.True(t, strings.HasPrefix(name, "github.com/gomlx/gomlx/"), "gradient of %s is %s", nt, name)
	}
}
