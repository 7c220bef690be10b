package d2l

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"weak"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// FashionMNISTDir is where Debian's package dataset-fashion-mnist installs Fashion-MNIST
// (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,
// t10k-labels-idx1-ubyte.gz). Install it with: sudo apt-get install dataset-fashion-mnist
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTLabels are the text labels of the ten Fashion-MNIST classes, indexed by label
// (the book's get_fashion_mnist_labels).
var FashionMNISTLabels = [10]string{
	"t-shirt", "trouser", "pullover", "dress", "coat",
	"sandal", "shirt", "sneaker", "bag", "ankle boot",
}

// FashionMNISTLabelsZh are the Chinese names that d2l-zh gives the ten classes (section 3.5),
// indexed like FashionMNISTLabels: "T恤" for "t-shirt", ..., "短靴" for "ankle boot".
var FashionMNISTLabelsZh = [10]string{
	"T恤", "裤子", "套衫", "连衣裙", "外套",
	"凉鞋", "衬衫", "运动鞋", "包", "短靴",
}

// GetFashionMNISTLabels returns the text labels of numeric labels (get_fashion_mnist_labels):
// labels is a []int, []int32 or an integer *tensors.Tensor of any shape (read flat).
func GetFashionMNISTLabels(labels any) []string {
	return textLabels("d2l.GetFashionMNISTLabels", labels, FashionMNISTLabels)
}

// GetFashionMNISTLabelsZh is GetFashionMNISTLabels with the Chinese names of
// FashionMNISTLabelsZh, for figures and messages shown next to Chinese prose.
func GetFashionMNISTLabelsZh(labels any) []string {
	return textLabels("d2l.GetFashionMNISTLabelsZh", labels, FashionMNISTLabelsZh)
}

// textLabels looks every label of labels up in names (fn names the caller in errors).
func textLabels(fn string, labels any, names [10]string) []string {
	var ints []int
	switch v := labels.(type) {
	case []int:
		ints = v
	case []int32:
		for _, l := range v {
			ints = append(ints, int(l))
		}
	case *tensors.Tensor:
		if v == nil {
			fail(fn, "labels", "labels in [0, 10)", "nil tensor")
		}
		ints = tensorInts(fn, v)
	default:
		fail(fn, "labels", "[]int, []int32 or an integer tensor", "%T", labels)
	}
	out := make([]string, len(ints))
	for i, l := range ints {
		if l < 0 || l >= len(names) {
			fail(fn, "labels", "labels in [0, 10)", "%d at index %d", l, i)
		}
		out[i] = names[l]
	}
	return out
}

// tensorInts reads an integer (or integral float) tensor as []int.
func tensorInts(fn string, t *tensors.Tensor) []int {
	var out []int
	switch t.DType() {
	case dtypes.Int32:
		for _, v := range tensors.MustCopyFlatData[int32](t) {
			out = append(out, int(v))
		}
	case dtypes.Int64:
		for _, v := range tensors.MustCopyFlatData[int64](t) {
			out = append(out, int(v))
		}
	case dtypes.Float32:
		for _, v := range tensors.MustCopyFlatData[float32](t) {
			out = append(out, int(v))
		}
	default:
		fail(fn, "labels", "an int32, int64 or float32 tensor", "dtype %s", t.DType())
	}
	return out
}

// DataOption configures LoadDataFashionMNIST.
type DataOption func(*dataOptions)

type dataOptions struct {
	dir   string
	limit int
	seed  uint64
}

// DataDir reads the idx files from dir instead of FashionMNISTDir.
func DataDir(dir string) DataOption { return func(o *dataOptions) { o.dir = dir } }

// DataLimit keeps only the first n examples of each split (for quick runs and tests); n <= 0
// keeps everything.
func DataLimit(n int) DataOption { return func(o *dataOptions) { o.limit = n } }

// DataSeed sets the seed of the training iterator's shuffling (default 0); the same seed gives
// the same order of batches in every run.
func DataSeed(seed uint64) DataOption { return func(o *dataOptions) { o.seed = seed } }

// DataIter iterates over one split of a data set in minibatches, as the book's DataLoader:
// each pass (Batches) yields X [b, 1, 28, 28] float32 (pixels in [0, 1]) and y [b] int32
// labels, with b = BatchSize except for a smaller last batch. A shuffling iterator draws a new
// order for every pass from its own seeded generator.
type DataIter struct {
	// BatchSize is the number of examples per batch.
	BatchSize int
	// Shuffle says whether every pass visits the examples in a new random order.
	Shuffle bool

	images     []float32 // [n * h * w], pixels in [0, 1]
	labels     []int32   // [n]
	n, h, w    int
	rng        *rand.Rand
	splitLabel string
	split      *mnistSplit // keeps the decoded split in mnistCache while the iterator lives
}

// check panics with a *Error naming fn when d is nil or its BatchSize is not positive.
func (d *DataIter) check(fn string) {
	if d == nil {
		fail(fn, "iterator", "an iterator from d2l.LoadDataFashionMNIST", "nil")
	}
	if d.BatchSize < 1 {
		fail(fn, "BatchSize", "BatchSize >= 1", "%d", d.BatchSize)
	}
}

// NumExamples returns the number of examples in the split.
func (d *DataIter) NumExamples() int {
	d.check("d2l.DataIter.NumExamples")
	return d.n
}

// NumBatches returns the number of batches of one pass: ceil(NumExamples / BatchSize).
func (d *DataIter) NumBatches() int {
	d.check("d2l.DataIter.NumBatches")
	return (d.n + d.BatchSize - 1) / d.BatchSize
}

// String describes the iterator, e.g. "DataIter(train: 60000 examples, batch 256, shuffled)".
func (d *DataIter) String() string {
	s := fmt.Sprintf("DataIter(%s: %d examples, batch %d", d.splitLabel, d.n, d.BatchSize)
	if d.Shuffle {
		s += ", shuffled"
	}
	return s + ")"
}

// Batches returns one pass over the split: for X, y := range it.Batches() { ... }.
// X is [b, 1, h, w] float32, y is [b] int32.
func (d *DataIter) Batches() iter.Seq2[*tensors.Tensor, *tensors.Tensor] {
	d.check("d2l.DataIter.Batches")
	order := make([]int, d.n)
	for i := range order {
		order[i] = i
	}
	if d.Shuffle {
		d.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	pix := d.h * d.w
	return func(yield func(*tensors.Tensor, *tensors.Tensor) bool) {
		for start := 0; start < d.n; start += d.BatchSize {
			idx := order[start:min(start+d.BatchSize, d.n)]
			xs := make([]float32, len(idx)*pix)
			ys := make([]int32, len(idx))
			for k, i := range idx {
				copy(xs[k*pix:(k+1)*pix], d.images[i*pix:(i+1)*pix])
				ys[k] = d.labels[i]
			}
			X := tensors.FromFlatDataAndDimensions(xs, len(idx), 1, d.h, d.w)
			y := tensors.FromFlatDataAndDimensions(ys, len(idx))
			if !yield(X, y) {
				return
			}
		}
	}
}

// Example returns example i of the split (in file order): its image [1, h, w] and label.
func (d *DataIter) Example(i int) (*tensors.Tensor, int) {
	d.check("d2l.DataIter.Example")
	if i < 0 || i >= d.n {
		fail("d2l.DataIter.Example", "i", fmt.Sprintf("an index in [0, %d)", d.n), "%d", i)
	}
	pix := d.h * d.w
	img := append([]float32(nil), d.images[i*pix:(i+1)*pix]...)
	return tensors.FromFlatDataAndDimensions(img, 1, d.h, d.w), int(d.labels[i])
}

// mnistSplit is one decoded split, cached per file pair.
type mnistSplit struct {
	images  []float32
	labels  []int32
	n, h, w int
}

// mnistCache holds each decoded split (188 MB of float32 for the training images) weakly: as
// long as an iterator uses it, loading again shares it; once no iterator does, the garbage
// collector frees it and the next load decodes the files again.
var mnistCache = struct {
	sync.Mutex
	m map[string]weak.Pointer[mnistSplit]
}{m: map[string]weak.Pointer[mnistSplit]{}}

// LoadDataFashionMNIST loads Fashion-MNIST from the local Debian package (nothing is fetched
// from the network) and returns the training iterator (60,000 examples, shuffled every pass)
// and the test iterator (10,000 examples, in order), both with the given batch size
// (load_data_fashion_mnist):
//
//	trainIter, testIter := d2l.LoadDataFashionMNIST(256)
//	for X, y := range trainIter.Batches() { ... } // X [256, 1, 28, 28] in [0, 1], y [256] int32
//
// When the files are missing it panics with a *Error that names the package to install
// (sudo apt-get install dataset-fashion-mnist); programs that want an error value instead call
// ReadFashionMNIST.
func LoadDataFashionMNIST(batchSize int, opts ...DataOption) (train, test *DataIter) {
	return loadFashionMNIST("d2l.LoadDataFashionMNIST", batchSize, opts)
}

// ReadFashionMNIST is LoadDataFashionMNIST for programs: it returns the *Error (missing or
// corrupt files, a bad batch size) instead of panicking.
//
//	trainIter, testIter, err := d2l.ReadFashionMNIST(256)
//	if err != nil {
//		return err // d2l.ReadFashionMNIST: argument dir: got no file ..., want ...
//	}
func ReadFashionMNIST(batchSize int, opts ...DataOption) (train, test *DataIter, err error) {
	err = Try(func() { train, test = loadFashionMNIST("d2l.ReadFashionMNIST", batchSize, opts) })
	return train, test, err
}

func loadFashionMNIST(fn string, batchSize int, opts []DataOption) (train, test *DataIter) {
	if batchSize < 1 {
		fail(fn, "batchSize", "batchSize >= 1", "%d", batchSize)
	}
	o := dataOptions{dir: FashionMNISTDir}
	for i, opt := range opts {
		if opt == nil {
			fail(fn, fmt.Sprintf("opts[%d]", i), "a DataOption (DataDir, DataLimit, DataSeed)", "nil")
		}
		opt(&o)
	}
	trainSplit := loadSplit(fn, o.dir, "train")
	testSplit := loadSplit(fn, o.dir, "t10k")
	mk := func(s *mnistSplit, label string, shuffle bool) *DataIter {
		n := s.n
		if o.limit > 0 && o.limit < n {
			n = o.limit
		}
		return &DataIter{
			BatchSize: batchSize, Shuffle: shuffle,
			images: s.images[:n*s.h*s.w], labels: s.labels[:n], n: n, h: s.h, w: s.w,
			rng:        rand.New(rand.NewPCG(o.seed, 0x6d6e697374)),
			splitLabel: label,
			split:      s,
		}
	}
	return mk(trainSplit, "train", true), mk(testSplit, "test", false)
}

// loadSplit reads (once per directory) the images and labels of split "train" or "t10k".
func loadSplit(fn, dir, split string) *mnistSplit {
	imgPath := filepath.Join(dir, split+"-images-idx3-ubyte.gz")
	lblPath := filepath.Join(dir, split+"-labels-idx1-ubyte.gz")
	mnistCache.Lock()
	defer mnistCache.Unlock()
	if s := mnistCache.m[imgPath].Value(); s != nil {
		return s
	}
	for _, p := range []string{imgPath, lblPath} {
		if _, err := os.Stat(p); err != nil {
			fail(fn, "dir", "Fashion-MNIST's idx files there: install them with `sudo apt-get install dataset-fashion-mnist`",
				"no file %s", p)
		}
	}
	imgDims, imgBytes, err := readIdx(imgPath, 0x803)
	if err != nil {
		fail(fn, "dir", "a readable idx3 image file", "%s: %v", imgPath, err)
	}
	lblDims, lblBytes, err := readIdx(lblPath, 0x801)
	if err != nil {
		fail(fn, "dir", "a readable idx1 label file", "%s: %v", lblPath, err)
	}
	if len(imgDims) != 3 || len(lblDims) != 1 || imgDims[0] != lblDims[0] {
		fail(fn, "dir", "as many labels as images", "images %v, labels %v in %s", imgDims, lblDims, dir)
	}
	s := &mnistSplit{n: imgDims[0], h: imgDims[1], w: imgDims[2]}
	s.images = make([]float32, len(imgBytes))
	for i, b := range imgBytes {
		s.images[i] = float32(b) / 255
	}
	s.labels = make([]int32, len(lblBytes))
	for i, b := range lblBytes {
		s.labels[i] = int32(b)
	}
	mnistCache.m[imgPath] = weak.Make(s)
	return s
}

// readIdx reads a gzip-compressed idx file of unsigned bytes: a big-endian magic number
// (0x801 for rank 1, 0x803 for rank 3), the dimensions, then the data.
func readIdx(path string, magic uint32) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, nil, err
	}
	var m uint32
	if err := binary.Read(gz, binary.BigEndian, &m); err != nil {
		return nil, nil, err
	}
	if m != magic {
		return nil, nil, fmt.Errorf("magic number %#x, want %#x", m, magic)
	}
	rank := int(m & 0xff)
	size := 1
	for range rank {
		var d uint32
		if err := binary.Read(gz, binary.BigEndian, &d); err != nil {
			return nil, nil, err
		}
		dims = append(dims, int(d))
		size *= int(d)
	}
	data = make([]byte, size)
	if _, err := io.ReadFull(gz, data); err != nil {
		return nil, nil, fmt.Errorf("reading %d bytes of data: %w", size, err)
	}
	return dims, data, nil
}
