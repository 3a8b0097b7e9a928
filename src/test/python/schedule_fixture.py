"""Writes src/test/resources/dev/vae4j/train/schedule-fixture.json: PyTorch 1.13's learning rate per
epoch for the schedules --lr-schedule mirrors, stepped once per epoch, and LambdaLR's linear warm-up
per step. Run from the repository root with /usr/bin/python3 (Debian's python3-torch)."""
import json
import torch

BASE = 1e-3


def rates(make, epochs, losses=None):
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=BASE)
    sched = make(opt)
    out = []
    for e in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        if losses is None:
            sched.step()
        else:
            sched.step(losses[e])
    return out


losses = [5.0, 4.0, 4.0, 4.0, 3.9999, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0]
fixture = {
    "base": BASE,
    "cosine_7": rates(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7), 7),
    "step_2_0.5_7": rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), 7),
    "plateau_1_0.5": {"losses": losses,
                      "rates": rates(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=1),
                                     len(losses), losses)},
    "plateau_0_0.1": {"losses": losses,
                      "rates": rates(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.1, patience=0),
                                     len(losses), losses)},
    # LambdaLR(lambda s: min(1, (s + 1) / 4)) stepped per step: step s (1-based) runs at min(1, s / 4).
    "warmup_4_6": rates(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda s: min(1.0, (s + 1) / 4)), 6),
}
with open("src/test/resources/dev/vae4j/train/schedule-fixture.json", "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
