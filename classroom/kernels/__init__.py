"""The classroom's lesson kernels: how they start, and how a preheated one learns its visitor.

* `_kernel`: the kernel process (`python -m hocvuso.classroom.kernels._kernel`), ipykernel without
  its debugger;
* `_zygote`: one preloaded process that forks those kernels (less memory per learner, ready at once);
* `_provisioner`: the jupyter_client provisioner the server uses to ask the zygote for a kernel, and
  the per-kernel secret a kernel shows to take its visitor's request.

Everything here runs in, or starts, a kernel: it imports nothing of the server (`.._app`: Voilà,
tornado's web stack), so a class of 40 kernels does not carry it.
"""
