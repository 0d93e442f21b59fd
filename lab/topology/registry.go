package topology

// The lab runs fakecdn, so a topology may name any selection policy and
// cookie codec fakecdn registers (each from its own file's init): linking
// fakecdn here fills package policy's registries that validation reads.
import _ "github.com/stickylab/stickylab/fakecdn"
