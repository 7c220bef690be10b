package d2l

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireFashionMNIST skips when the Debian package is not installed, except in CI.
func requireFashionMNIST(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(FashionMNISTDir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Fashion-MNIST missing in CI: %v (sudo apt-get install dataset-fashion-mnist)", err)
		}
		t.Skipf("Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist): %v", err)
	}
}

func TestLoadDataFashionMNIST(t *testing.T) {
	requireFashionMNIST(t)
	train, test := LoadDataFashionMNIST(256)
	assert.Equal(t, 60000, train.NumExamples())
	assert.Equal(t, 10000, test.NumExamples())
	assert.Equal(t, 235, train.NumBatches())
	assert.Equal(t, 40, test.NumBatches())
	assert.Equal(t, "DataIter(train: 60000 examples, batch 256, shuffled)", train.String())

	// The test split in file order: sizes, pixel range, labels and class balance.
	counts := make([]int, 10)
	batches, seen := 0, 0
	for X, y := range test.Batches() {
		batches++
		n := y.Shape().Dimensions[0]
		assert.Equal(t, []int{n, 1, 28, 28}, X.Shape().Dimensions)
		seen += n
		for _, v := range tensors.MustCopyFlatData[float32](X) {
			require.True(t, v >= 0 && v <= 1, "pixel %v outside [0, 1]", v)
		}
		for _, l := range tensors.MustCopyFlatData[int32](y) {
			counts[l]++
		}
	}
	assert.Equal(t, 40, batches)
	assert.Equal(t, 10000, seen)
	for c, n := range counts {
		assert.Equal(t, 1000, n, "test examples of class %d", c)
	}
	// The first test image is an ankle boot (label 9) in the file's order.
	img, label := test.Example(0)
	assert.Equal(t, 9, label)
	assert.Equal(t, []int{1, 28, 28}, img.Shape().Dimensions)
}

func TestFashionMNISTShuffling(t *testing.T) {
	requireFashionMNIST(t)
	firstLabels := func(it *DataIter) []int32 {
		for _, y := range it.Batches() {
			return tensors.MustCopyFlatData[int32](y)
		}
		return nil
	}
	a, _ := LoadDataFashionMNIST(64, DataSeed(7))
	b, _ := LoadDataFashionMNIST(64, DataSeed(7))
	c, _ := LoadDataFashionMNIST(64, DataSeed(8))
	pass1 := firstLabels(a)
	assert.Equal(t, pass1, firstLabels(b), "same seed, same order")
	assert.NotEqual(t, pass1, firstLabels(c), "another seed, another order")
	assert.NotEqual(t, pass1, firstLabels(a), "each pass draws a new order")

	limited, limitedTest := LoadDataFashionMNIST(100, DataLimit(250))
	assert.Equal(t, 250, limited.NumExamples())
	assert.Equal(t, 250, limitedTest.NumExamples())
	assert.Equal(t, 3, limited.NumBatches())
	var sizes []int
	for _, y := range limited.Batches() {
		sizes = append(sizes, y.Shape().Dimensions[0])
	}
	assert.Equal(t, []int{100, 100, 50}, sizes)
}

func TestFashionMNISTLabels(t *testing.T) {
	assert.Equal(t, []string{"t-shirt", "trouser", "ankle boot"}, GetFashionMNISTLabels([]int{0, 1, 9}))
	assert.Equal(t, []string{"sneaker", "bag"}, GetFashionMNISTLabels(tensors.FromValue([]int32{7, 8})))
	assert.Equal(t, []string{"T恤", "裤子", "短靴"}, GetFashionMNISTLabelsZh([]int{0, 1, 9}))
	errZh := Try(func() { GetFashionMNISTLabelsZh([]int{-1}) })
	require.Error(t, errZh)
	assert.Equal(t, "d2l.GetFashionMNISTLabelsZh: argument labels: got -1 at index 0, want labels in [0, 10)", errZh.Error())
	err := Try(func() { GetFashionMNISTLabels([]int{3, 10}) })
	require.Error(t, err)
	assert.Equal(t, "d2l.GetFashionMNISTLabels: argument labels: got 10 at index 1, want labels in [0, 10)", err.Error())
}

func TestLoadDataFashionMNISTErrors(t *testing.T) {
	dir := t.TempDir()
	err := Try(func() { LoadDataFashionMNIST(256, DataDir(dir)) })
	require.Error(t, err)
	assert.Equal(t, "d2l.LoadDataFashionMNIST: argument dir: got no file "+filepath.Join(dir, "train-images-idx3-ubyte.gz")+
		", want Fashion-MNIST's idx files there: install them with `sudo apt-get install dataset-fashion-mnist`", err.Error())

	err = Try(func() { LoadDataFashionMNIST(0) })
	require.Error(t, err)
	assert.Equal(t, "d2l.LoadDataFashionMNIST: argument batchSize: got 0, want batchSize >= 1", err.Error())

	// A corrupt file is reported, not a crash.
	for _, name := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("not gzip"), 0o644))
	}
	err = Try(func() { LoadDataFashionMNIST(256, DataDir(dir)) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d2l.LoadDataFashionMNIST: argument dir: got "+filepath.Join(dir, "train-images-idx3-ubyte.gz"))
}

// TestReadFashionMNIST: the error-returning loader reports what LoadDataFashionMNIST panics with.
func TestReadFashionMNIST(t *testing.T) {
	dir := t.TempDir()
	train, test, err := ReadFashionMNIST(256, DataDir(dir))
	require.Error(t, err)
	assert.Nil(t, train)
	assert.Nil(t, test)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "d2l.ReadFashionMNIST: argument dir: got no file "+filepath.Join(dir, "train-images-idx3-ubyte.gz")+
		", want Fashion-MNIST's idx files there: install them with `sudo apt-get install dataset-fashion-mnist`", err.Error())
	_, _, err = ReadFashionMNIST(0)
	assert.EqualError(t, err, "d2l.ReadFashionMNIST: argument batchSize: got 0, want batchSize >= 1")
	_, _, err = ReadFashionMNIST(1, nil)
	assert.EqualError(t, err, "d2l.ReadFashionMNIST: argument opts[0]: got nil, want a DataOption (DataDir, DataLimit, DataSeed)")
}

// TestFashionMNISTCacheIsFreed: the decoded dataset is shared by the iterators that use it and
// freed once none does.
func TestFashionMNISTCacheIsFreed(t *testing.T) {
	requireFashionMNIST(t)
	train, _ := LoadDataFashionMNIST(8, DataLimit(8))
	train2, _ := LoadDataFashionMNIST(8)
	assert.Same(t, train.split, train2.split, "loaded once while in use")
	path := filepath.Join(FashionMNISTDir, "train-images-idx3-ubyte.gz")
	mnistCache.Lock()
	w := mnistCache.m[path]
	mnistCache.Unlock()
	require.NotNil(t, w.Value())
	runtime.KeepAlive(train)
	runtime.KeepAlive(train2)
	train, train2 = nil, nil
	for range 5 {
		runtime.GC()
	}
	assert.Nil(t, w.Value(), "freed once no iterator uses it")
}
