"""Interrupts a running cell of the cnnlabs kernel through jupyter_client, as Jupyter's stop button does.

Run by JupyterKernelTest with Debian's /usr/bin/python3 and JUPYTER_PATH naming the installed kernel. Prints one JSON
object: the interrupted cell's execute_reply status and error name, the seconds it took, and the next cell's result.
"""
import json
import sys
import time

import jupyter_client

km, kc = jupyter_client.manager.start_new_kernel(kernel_name="cnnlabs-java", startup_timeout=120)
try:
    started = time.time()
    running = kc.execute("long n = 0; while (true) { n++; if (n % 100000000 == 0) System.out.println(n); }")
    time.sleep(5)
    km.interrupt_kernel()
    reply = None
    while reply is None:
        msg = kc.get_shell_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == running and msg["msg_type"] == "execute_reply":
            reply = msg["content"]
    seconds = time.time() - started
    results = []

    def keep(msg):
        if msg["msg_type"] == "execute_result":
            results.append(msg["content"]["data"]["text/plain"])

    after = kc.execute_interactive("6 * 7", timeout=60, output_hook=keep)
    value = results[0] if results else None
    print(json.dumps({"status": reply.get("status", "error" if "ename" in reply else "ok"),
                      "ename": reply.get("ename"), "seconds": seconds,
                      "after": after["content"]["status"], "value": value}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
sys.stdout.flush()
