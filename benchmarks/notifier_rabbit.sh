#!/bin/sh
# A private RabbitMQ node for benchmarks/notifier_bench.py: its own node name,
# data and logs, listening on 127.0.0.1:5682 only, so that it neither needs
# nor disturbs the node of the mini-cloud (5672).
#   benchmarks/notifier_rabbit.sh start|stop
# Then: --transport-url rabbit://guest:guest@127.0.0.1:5682/
set -e
DIR=${HSN_RABBIT_DIR:-/tmp/hsn-rabbit}
NODE=hsnbench@localhost
export RABBITMQ_NODENAME=$NODE
export RABBITMQ_NODE_PORT=5682
export RABBITMQ_DIST_PORT=25682
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE=$DIR/mnesia
export RABBITMQ_LOG_BASE=$DIR/log
export RABBITMQ_ENABLED_PLUGINS_FILE=$DIR/enabled_plugins
export RABBITMQ_PID_FILE=$DIR/pid
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
case "$1" in
start)
    mkdir -p "$DIR/mnesia" "$DIR/log"
    echo '[].' > "$DIR/enabled_plugins"
    chown -R rabbitmq:rabbitmq "$DIR"
    nohup rabbitmq-server > "$DIR/server.out" 2>&1 &
    # The node registers with epmd a few seconds after start: wait for it
    # (bounded), then for the broker itself.
    i=0
    until rabbitmqctl -n $NODE -q ping > /dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 120 ] || { echo "node did not start" >&2; exit 1; }
        sleep 1
    done
    rabbitmqctl -n $NODE -t 120 await_startup
    ;;
stop)
    rabbitmqctl -n $NODE stop "$DIR/pid" || true
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
