# The lab's image: one static stickylab binary; every container runs it, the
# command names the role (`fakeapp …` for an app instance, `fakecdn …` for the
# edge and the datacenter LBs). The lab makes this image itself from the
# running executable (lab/internal/dockerrt/archive.go) and loads it into the
# engine; this file is the same recipe for a manual build:
#
#   CGO_ENABLED=0 GOOS=linux go build -trimpath -o ctx/ ./cmd/stickylab
#   docker build -f docker/stickylab.Dockerfile -t stickylab/lab:manual ctx
#
# Nothing else goes in: no shell, no C library, no CA bundle.
FROM scratch
COPY stickylab /stickylab
USER 65534:65534
EXPOSE 8080 8081 8443
ENTRYPOINT ["/stickylab"]
