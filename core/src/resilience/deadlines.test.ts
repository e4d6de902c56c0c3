import { describe, expect, test } from "bun:test";
import { DeadlineQueue } from "./deadlines";
import { FakeClock } from "./fake-clock";

describe("deadline queue", () => {
  test("fires each deadline once at its time, in order, behind one timer", () => {
    const clock = new FakeClock();
    const q = new DeadlineQueue(clock, 100);
    const fired: string[] = [];
    q.add(() => fired.push("a"));
    clock.tick(30);
    q.add(() => fired.push("b"));
    expect(clock.pending).toBe(1);
    clock.tick(69);
    expect(fired).toEqual([]);
    clock.tick(1);
    expect(fired).toEqual(["a"]);
    clock.tick(29);
    expect(fired).toEqual(["a"]);
    clock.tick(1);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.pending).toBe(0);
  });

  test("cancelled deadlines never fire; an empty queue holds no timer", () => {
    const clock = new FakeClock();
    const q = new DeadlineQueue(clock, 100);
    const fired: number[] = [];
    const ds = Array.from({ length: 5 }, (_, i) => q.add(() => fired.push(i)));
    q.cancel(ds[0]!);
    q.cancel(ds[2]!);
    clock.tick(100);
    expect(fired).toEqual([1, 3, 4]);
    const d = q.add(() => fired.push(9));
    q.cancel(d);
    q.cancel(d);
    expect(clock.pending).toBe(0);
    expect(q.size).toBe(0);
    clock.tick(200);
    expect(fired).toEqual([1, 3, 4]);
  });

  test("what fires may add and cancel deadlines", () => {
    const clock = new FakeClock();
    const q = new DeadlineQueue(clock, 50);
    const fired: string[] = [];
    let later = q.add(() => fired.push("never"));
    q.cancel(later);
    q.add(() => {
      fired.push("first");
      later = q.add(() => fired.push("second"));
    });
    const third = q.add(() => fired.push("third"));
    clock.tick(50);
    expect(fired).toEqual(["first", "third"]);
    clock.tick(50);
    expect(fired).toEqual(["first", "third", "second"]);
    q.cancel(third);
    expect(clock.pending).toBe(0);
  });
});
