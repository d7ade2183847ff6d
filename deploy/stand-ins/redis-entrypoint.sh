#!/bin/sh
# The official redis image is built with protected mode off (a container's Redis is reached over
# the compose network, not loopback); Debian's binary has it on, so the stand-in turns it off.
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
