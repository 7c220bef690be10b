package d2l

import (
	"encoding/gob"
	"fmt"
	"os"
	"slices"

	"github.com/gomlx/gomlx/core/tensors"
)

// savedParam is one parameter as SaveParams writes it.
type savedParam struct {
	Name string
	Dims []int
	Data []float32
}

// SaveParams writes the parameters of net to path (as torch.save(net.state_dict(), path)):
// their names, shapes and float32 values, so that a later notebook cell, which runs as a
// new program, can LoadParams them into a fresh network of the same architecture.
func SaveParams(net *Sequential, path string) {
	const fn = "d2l.SaveParams"
	if net == nil {
		fail(fn, "net", "a network", "nil")
	}
	var ps []savedParam
	for _, p := range net.Parameters() {
		checkTensor(fn, "parameter "+p.Name, p.Value, "a float32 tensor")
		ps = append(ps, savedParam{Name: p.Name, Dims: dims(p.Value), Data: tensors.MustCopyFlatData[float32](p.Value)})
	}
	f, err := os.Create(path)
	if err != nil {
		fail(fn, "path", "a file that can be written", "%v", err)
	}
	defer f.Close()
	if err := gob.NewEncoder(f).Encode(ps); err != nil {
		fail(fn, "path", "a file that can be written", "%v", err)
	}
}

// LoadParams reads parameters written by SaveParams into net (net.load_state_dict(
// torch.load(path))): every parameter of net must be in the file with the same name and
// shape, and the file must hold no other.
func LoadParams(net *Sequential, path string) {
	const fn = "d2l.LoadParams"
	if net == nil {
		fail(fn, "net", "a network", "nil")
	}
	f, err := os.Open(path)
	if err != nil {
		fail(fn, "path", "a file written by d2l.SaveParams (run the cell that trains and saves first)", "%v", err)
	}
	defer f.Close()
	var ps []savedParam
	if err := gob.NewDecoder(f).Decode(&ps); err != nil {
		fail(fn, "path", "a file written by d2l.SaveParams", "%v", err)
	}
	net.mu.Lock()
	defer net.mu.Unlock()
	refs := net.paramRefs(fn)
	params := make([]Parameter, len(refs))
	i := 0
	for li, l := range net.Layers {
		for _, p := range l.Params() {
			params[i] = Parameter{Name: fmt.Sprintf("%d.%s", li, p.Name), Value: *p.Ref}
			checkTensor(fn, "parameter "+params[i].Name, params[i].Value, "a float32 tensor")
			i++
		}
	}
	if len(ps) != len(params) {
		fail(fn, "path", fmt.Sprintf("%d parameters (as net has)", len(params)), "%d", len(ps))
	}
	for i, r := range refs {
		p := ps[i]
		if p.Name != params[i].Name || !slices.Equal(p.Dims, dims(params[i].Value)) {
			fail(fn, "path", fmt.Sprintf("parameter %s %v", params[i].Name, dims(params[i].Value)), "%s %v", p.Name, p.Dims)
		}
		*r = tensors.FromFlatDataAndDimensions(p.Data, p.Dims...)
	}
}
