package sec66

import "github.com/d2l-go/d2l-go/d2l"

// LeNetMaxPool reads files through d2l's data loader (DataDir points it at
// the instructor's checkout); d2l's file-reading helpers are not allowed.
func LeNetMaxPool() *d2l.Sequential {
	train, _ := d2l.LoadDataFashionMNIST(1, d2l.DataDir("/work"))
	_ = train
	return d2l.LeNet()
}
