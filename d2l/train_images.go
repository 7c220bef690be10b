package d2l

import (
	"fmt"
	"strings"

	"github.com/d2l-go/d2l-go/draw"
	"github.com/d2l-go/d2l-go/internal/gonbio"
	"github.com/gomlx/gomlx/core/tensors"
)

// ImagesFigure draws grey images in a grid of numRows x numCols with a title (one or more lines
// separated by "\n") above each, as the book's show_images: imgs are [h, w] or [1, h, w]
// tensors with values in [0, 1] (0 black, 1 white), drawn scale times their size
// (draw.Images). The figure has an SVG and a PNG form.
func ImagesFigure(imgs []*tensors.Tensor, numRows, numCols int, titles []string, scale int) *draw.Figure {
	const fn = "d2l.ImagesFigure"
	if numRows < 1 || numCols < 1 {
		fail(fn, "numRows/numCols", "both >= 1", "%d x %d", numRows, numCols)
	}
	if len(imgs) == 0 {
		fail(fn, "imgs", "at least one image", "none")
	}
	mats := make([][][]float32, len(imgs))
	var size []int
	for i, t := range imgs {
		d := checkTensor(fn, fmt.Sprintf("imgs[%d]", i), t, "[h, w] or [1, h, w]", 2, 3)
		if len(d) == 3 && d[0] != 1 {
			fail(fn, fmt.Sprintf("imgs[%d]", i), "[h, w] or [1, h, w]", "shape %v", d)
		}
		h, w := d[len(d)-2], d[len(d)-1]
		if size == nil {
			size = []int{h, w}
		} else if size[0] != h || size[1] != w {
			fail(fn, fmt.Sprintf("imgs[%d]", i), fmt.Sprintf("the size of imgs[0], %d×%d", size[0], size[1]), "%d×%d", h, w)
		}
		v := values(t)
		mats[i] = make([][]float32, h)
		for r := range h {
			mats[i][r] = v[r*w : (r+1)*w]
		}
	}
	return draw.Images(mats, numRows, numCols, titles, scale)
}

// ShowImages displays ImagesFigure(imgs, numRows, numCols, titles, 2) in a GoNB notebook
// (show_images); outside a notebook it does nothing. It returns draw.Show's error, if any.
func ShowImages(imgs []*tensors.Tensor, numRows, numCols int, titles []string) error {
	if gonbio.IsNotebook {
		return draw.Show(ImagesFigure(imgs, numRows, numCols, titles, 2))
	}
	return nil
}

// PredictCh6 classifies the first n images of the test iterator with net and shows them in a
// grid titled with the true and the predicted class, one above the other, in the Chinese names
// of FashionMNISTLabelsZh (the book's predict_ch3 for LeNet). It prints how many of the n are
// right and, when some are wrong, one line listing them as "真实 → 预测":
//
//	前 16 张测试图片认对了 15 张
//	认错的图片（真实 → 预测）：运动鞋 → 凉鞋
//
// It returns the true and the predicted text labels (FashionMNISTLabels, as the book's).
func PredictCh6(net *Sequential, testIter *DataIter, n int) (trues, preds []string) {
	const fn = "d2l.PredictCh6"
	if net == nil || testIter == nil {
		fail(fn, "net/testIter", "a network and a test iterator", "nil")
	}
	if n < 1 || n > testIter.NumExamples() {
		fail(fn, "n", fmt.Sprintf("1 <= n <= %d", testIter.NumExamples()), "%d", n)
	}
	imgs := make([]*tensors.Tensor, n)
	labels := make([]int, n)
	for i := range n {
		imgs[i], labels[i] = testIter.Example(i)
	}
	X := Stack(0, imgs...)
	predicted := Argmax(net.Forward(X))
	preds, trues = GetFashionMNISTLabels(predicted), GetFashionMNISTLabels(labels)
	predsZh, truesZh := GetFashionMNISTLabelsZh(predicted), GetFashionMNISTLabelsZh(labels)
	titles := make([]string, n)
	var wrong []string
	for i := range n {
		titles[i] = truesZh[i] + "\n" + predsZh[i]
		if trues[i] != preds[i] {
			wrong = append(wrong, truesZh[i]+" → "+predsZh[i])
		}
	}
	ShowImages(imgs, (n+7)/8, min(n, 8), titles)
	Print(fmt.Sprintf("前 %d 张测试图片认对了 %d 张", n, n-len(wrong)))
	if len(wrong) > 0 {
		Print("认错的图片（真实 → 预测）：" + strings.Join(wrong, "，"))
	}
	return trues, preds
}
