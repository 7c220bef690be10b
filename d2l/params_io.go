package d2l

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
)

// savedParam is one parameter as SaveParams writes it.
type savedParam struct {
	Name string
	Dims []int
	Data []float32
}

// savedFile is what SaveParams writes: when, the note it was given, the parameters.
type savedFile struct {
	Time   time.Time
	Note   string
	Params []savedParam
}

// SavedParams says which parameters LoadParams loaded: when SaveParams wrote them and the note
// it was given (for instance TrainResult.String(): how long the network trained, and how well).
type SavedParams struct {
	// Time is when the parameters were saved.
	Time time.Time
	// Note is what the program that saved them said about them ("" for nothing).
	Note string
}

// String is one line for a notebook's reader: "2026-12-07 13:05 保存的参数（NOTE）".
func (s SavedParams) String() string {
	out := s.Time.Local().Format("2006-01-02 15:04") + " 保存的参数"
	if s.Note != "" {
		out += "（" + s.Note + "）"
	}
	return out
}

// paramsNameRE matches the names ParamsFile accepts.
var paramsNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ParamsFile returns the file in which a notebook keeps the parameters of a network it trained,
// under name (for instance "6.6-lenet"), so that the cells after the one that trains, each a
// program of its own, can load them: a file private to the user, in the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache), d2l-go/params/NAME-HASH.gob, where HASH tells
// apart the notebooks of different folders (the notebook's folder, $GONB_DIR in a notebook;
// else the working directory). It creates the folder, readable by the user only. Two users, or
// two copies of the repository, never share the file; a notebook's later cells can say which
// run they load (LoadParams).
func ParamsFile(name string) string {
	const fn = "d2l.ParamsFile"
	if !paramsNameRE.MatchString(name) {
		fail(fn, "name", "a file name of letters, digits, '.', '_' and '-' (e.g. \"6.6-lenet\")", "%q", name)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		fail(fn, "", "a cache directory ($XDG_CACHE_HOME or $HOME set)", "%v", err)
	}
	dir := os.Getenv("GONB_DIR")
	if dir == "" {
		if dir, err = os.Getwd(); err != nil {
			fail(fn, "", "a working directory", "%v", err)
		}
	}
	sum := sha256.Sum256([]byte(dir))
	folder := filepath.Join(cache, "d2l-go", "params")
	if err := os.MkdirAll(folder, 0o700); err != nil {
		fail(fn, "", "a cache folder that can be made", "%v", err)
	}
	return filepath.Join(folder, name+"-"+hex.EncodeToString(sum[:4])+".gob")
}

// SaveParams writes the parameters of net to path (as torch.save(net.state_dict(), path)):
// their names, shapes and float32 values, with the time and note (one line saying what they
// are, "" for nothing), so that a later notebook cell, which runs as a new program, can
// LoadParams them into a fresh network of the same architecture and say which they are. The
// file is replaced at once, never left half written, and readable by the user only.
func SaveParams(net *Sequential, path, note string) {
	const fn = "d2l.SaveParams"
	if net == nil {
		fail(fn, "net", "a network", "nil")
	}
	file := savedFile{Time: time.Now(), Note: note}
	for _, p := range net.Parameters() {
		checkTensor(fn, "parameter "+p.Name, p.Value, "a float32 tensor")
		file.Params = append(file.Params, savedParam{Name: p.Name, Dims: dims(p.Value), Data: tensors.MustCopyFlatData[float32](p.Value)})
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		fail(fn, "path", "a file that can be written", "%v", err)
	}
	defer os.Remove(f.Name()) // after the rename there is nothing left to remove
	if err := gob.NewEncoder(f).Encode(file); err != nil {
		f.Close()
		fail(fn, "path", "a file that can be written", "%v", err)
	}
	if err := f.Close(); err != nil {
		fail(fn, "path", "a file that can be written", "%v", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		fail(fn, "path", "a file that can be written", "%v", err)
	}
}

// LoadParams reads parameters written by SaveParams into net (net.load_state_dict(
// torch.load(path))): every parameter of net must be in the file with the same name and
// shape, and the file must hold no other. It returns when they were saved and their note.
func LoadParams(net *Sequential, path string) SavedParams {
	const fn = "d2l.LoadParams"
	if net == nil {
		fail(fn, "net", "a network", "nil")
	}
	f, err := os.Open(path)
	if err != nil {
		fail(fn, "path", "a file written by d2l.SaveParams (run the cell that trains and saves first)", "%v", err)
	}
	defer f.Close()
	var file savedFile
	if err := gob.NewDecoder(f).Decode(&file); err != nil {
		fail(fn, "path", "a file written by d2l.SaveParams (run the cell that trains and saves again)", "%v", err)
	}
	ps := file.Params
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
	for i, p := range ps {
		if p.Name != params[i].Name || !slices.Equal(p.Dims, dims(params[i].Value)) {
			fail(fn, "path", fmt.Sprintf("parameter %s %v", params[i].Name, dims(params[i].Value)), "%s %v", p.Name, p.Dims)
		}
	}
	for i, r := range refs {
		*r = tensors.FromFlatDataAndDimensions(ps[i].Data, ps[i].Dims...)
	}
	return SavedParams{Time: file.Time, Note: file.Note}
}
