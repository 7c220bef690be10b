package d2l_test

import (
	"bytes"
	"fmt"

	"github.com/d2l-go/d2l-go/d2l"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Scale is a layer written outside d2l, as a reader writes an nn.Module: it multiplies its
// input by one learnable number W ([1]).
type Scale struct{ W *tensors.Tensor }

func (s *Scale) Forward(X *tensors.Tensor) *tensors.Tensor { return d2l.Apply(s, X) }
func (s *Scale) Params() []d2l.Param                       { return []d2l.Param{{Name: "weight", Ref: &s.W}} }
func (s *Scale) Check(x []int) error                       { return nil }
func (s *Scale) Build(x *graph.Node, params []*graph.Node) *graph.Node {
	return graph.Mul(x, graph.Reshape(params[0])) // params[0] is W, as a scalar
}
func (s *Scale) String() string { return "Scale()" }

// A program's own layer works wherever a built-in one does: in a Sequential, in its printout,
// in Parameters and in training.
func ExampleLayer() {
	net := d2l.NewSequential(d2l.NewFlatten(), &Scale{W: d2l.Tensor([]float32{2})})
	d2l.Print(net)
	d2l.Print(net.Forward(d2l.Ones(1, 2, 2)))
	for _, p := range net.Parameters() {
		fmt.Println(p.Name, d2l.Size(p.Value))
	}
	// Output:
	// Sequential(
	//   (0): Flatten(start_dim=1, end_dim=-1)
	//   (1): Scale()
	// )
	// tensor([[2., 2., 2., 2.]])
	// 1.weight torch.Size([1])
}

// Print writes to the writer SetOutput sets (os.Stdout by default); SetOutput returns the
// previous one, to put it back.
func ExampleSetOutput() {
	var buf bytes.Buffer
	previous := d2l.SetOutput(&buf)
	d2l.Print(d2l.Ones(2))
	d2l.SetOutput(previous)
	fmt.Printf("%q\n", buf.String())
	// Output:
	// "tensor([1., 1.])\n"
}
