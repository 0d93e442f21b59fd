# The lab's image: one static stickylab binary; every container runs it, the
# command names the role (`fakeapp …` for an app instance, `fakecdn …` for the
# edge and the datacenter LBs). The lab makes this image itself from the
# running executable (lab/internal/dockerrt/archive.go) and loads it into the
# engine; this file is the same recipe for a manual build:
#
#   CGO_ENABLED=0 GOOS=linux go build -trimpath -o ctx/ ./cmd/stickylab
#   mkdir ctx/state
#   docker build -f docker/stickylab.Dockerfile -t stickylab/lab:manual ctx
#
# Nothing else goes in: no shell, no C library, no CA bundle; only the empty
# /var/lib/fakecdn and /var/lib/fakeapp, owned by the user below, for
# fakecdn's and fakeapp's --state-file.
FROM scratch
COPY stickylab /stickylab
COPY --chown=65534:65534 state /var/lib/fakecdn
COPY --chown=65534:65534 state /var/lib/fakeapp
USER 65534:65534
EXPOSE 8080 8081 8443
ENTRYPOINT ["/stickylab"]
