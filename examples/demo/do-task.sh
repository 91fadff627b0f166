#!/bin/sh
# A demo task: works for a while (longer for some tasks), reports progress and a
# JSON result through Conveyor's stdout protocol, and task 5 fails its first attempt.
id="$1"
case "$id" in
  2|7) steps=8 ;;
  4|9) steps=6 ;;
  *)   steps=3 ;;
esac
echo "task $id (${CONVEYOR_TASK_TITLE}) attempt ${CONVEYOR_ATTEMPT}"
if [ "$id" = "5" ] && [ "${CONVEYOR_ATTEMPT}" = "1" ]; then
  echo "upstream API timed out" >&2
  exit 1
fi
i=1
while [ "$i" -le "$steps" ]; do
  sleep 0.25
  echo "::conveyor progress $((i * 100 / steps))% step $i of $steps"
  i=$((i + 1))
done
echo "::conveyor result {\"task\": \"$id\", \"steps\": $steps}"
