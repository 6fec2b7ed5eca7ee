"""The kernel manager and client a grading worker runs each sandboxed kernel with.

jupyter_client's client, waiting for a new kernel, ends by listening to the kernel's
broadcast channel until it has been quiet for 0.2 s, to throw away whatever the kernel
said while starting. nbclient already ignores every broadcast that answers none of its
own requests, so for the grader that is 0.2 s of idle time on every submission, while
the core it could use waits. This client waits for the same evidence that the
kernel is ready (a reply to ``kernel_info`` and a message on the broadcast channel,
which shows that channel is connected) and stops there.

Likewise, the manager, having asked the kernel to shut down, looks for its exit every
0.1 s; the grading kernel exits within milliseconds, so this one looks every 0.01 s.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type


class GradingKernelClient(AsyncKernelClient):
    """An :class:`~jupyter_client.asynchronous.AsyncKernelClient` whose
    :meth:`wait_for_ready` returns as soon as the kernel is ready."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    # the kernel announces it is busy with the request: the channel works
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass  # not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class GradingKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.manager.AsyncKernelManager` that starts a
    :class:`GradingKernelClient` and notices a shut-down kernel's exit within 0.01 s."""

    client_class = DottedObjectName("course.grading.kernelclient.GradingKernelClient")
    client_factory = Type(klass=GradingKernelClient)

    async def _async_finish_shutdown(self, waittime=None, pollinterval=0.1, restart=False):
        await super()._async_finish_shutdown(waittime, pollinterval=min(pollinterval, 0.01),
                                             restart=restart)
