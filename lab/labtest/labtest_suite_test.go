package labtest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestLabtest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "labtest")
}
